"""The Channels-tutorial design the hub is compared with: one consumer per client in the room
group, one ``group_send`` per message, ``RedisChannelLayer`` with its defaults. Shares no code
with the product's ``realtime`` app on purpose."""
