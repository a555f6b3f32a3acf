"""End-to-end tests: real daphne/uvicorn processes, real websockets, real HTTP."""
