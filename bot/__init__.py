"""The WeCom side of the interview bot, in layers: `bot.wecom` (WeCom's wire and API client),
`bot.pipeline` (take in, act, deliver), `bot.services` (wiring), `bot.web` (Flask) and
`bot.admin` (admin tools), then `bot.cli` (the `interview-bot` command).

Each layer may import the ones before it, `commands`, `store`, `crypto` and `config`; never
`devkit` (only the CLI's demo and simulate subcommands load it, when asked for).
"""
