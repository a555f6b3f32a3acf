from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data ``make run`` loads (``manage.py load_demo``). It sits above every domain
    app, filling them through their services, so none of them has to know it exists."""

    name = "demo"
    verbose_name = "Démonstration"
