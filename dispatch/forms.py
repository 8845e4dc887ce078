"""Input validation for the pages (CSRF included through Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])
