"""Date polls beside their models and services: reads (``selectors``), JSON shape
(``serializers``) and emails (``mail``). The models are in meetings/models/polls.py and the
only writers in meetings/services/polls.py; the pages live with every other page, in the web
layer's views/polls.py."""
