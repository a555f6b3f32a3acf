"""Date polls' web side: forms, pages, routes, reads, JSON shape and emails. The models are in
meetings/models/polls.py and the only writers in meetings/services/polls.py."""
