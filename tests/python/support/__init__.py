"""Helpers shared by the Python tests: a real OpenAI-wire server and PostgreSQL databases."""
