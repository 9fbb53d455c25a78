"""The pipeline a message travels after the callback stored it: take it in (inbox), act on it
(dispatch, through the command router), deliver the replies (outbox, worker); plus the clock's
due messages, the intelligent bot's synchronous path and directory name sync.

It may import `bot.wecom`, `commands`, `store`, `crypto` and `config`; never Flask, `bot.web`,
the CLI or `devkit`.
"""
