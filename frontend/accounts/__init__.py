"""django-allauth fitted to the product: its adapters (who may sign up, how passwords change,
how its mail is sent), its forms with our field names and wording, and single sign-on's
rules."""
