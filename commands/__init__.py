"""The interview domain: the command router, one module per command family, the time parser,
rendering and the reply types a handler returns.

A handler gets a typed Context (sender, session, clock, settings) and its parsed arguments, and
returns replies; it never sees Flask, HTTP, crypto or WeCom's wire formats. It may import
`store` and `config`; never `bot` or `devkit`.
"""
