"""Service points: one-stop desks, health stations, hospitals, schools — where QR posters hang."""
