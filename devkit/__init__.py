"""The development kit: a fake WeCom API (fakewecom, and fakewecom.standalone to run it in a
process of its own), the simulator page (simulator), the demo, `interview-bot simulate`, the
demo's sample company and the sample day, and the harnesses' child processes (children).

Everything here plays WeCom's side or a user's for development, tests and benchmarks. It may
import anything of ours; production code (`bot`, `commands`, `store`, `crypto`, `config`) never
imports it, so `interview-bot serve` and `worker` run with this package absent. Only the CLI's
`demo` and `simulate` subcommands load it, when asked for.
"""
