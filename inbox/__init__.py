"""The notification inbox: one item per thing that asks for a person's attention (a mention,
a reply, a meeting, a poll awaiting an answer), fed from committed events by handlers that
each app registers in its ``AppConfig.ready()``."""
