"""WeCom's wire: callback XML and JSON as typed messages, the server API client with its
shared access_token, and the API's errors.

It may import `crypto` (safe XML), `store` (the shared token) and `config`; it knows nothing of
commands, the pipeline or Flask.
"""
