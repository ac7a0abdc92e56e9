"""Staff preview of the questionnaires: every item rendered as respondents will get it."""
