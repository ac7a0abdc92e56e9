"""The kinds of service point, shared by the database model and questionnaire files (`default_for`).

Dependency-free so that the Flask-free questionnaire loader can import it.
"""
SERVICE_KINDS = (
    "one_stop_province",
    "one_stop_commune",
    "health_station",
    "hospital",
    "school",
    "other",
)
