"""``make bench-collect``: how close a collection comes to the rate limits' floor.

    .venv/bin/python -m benchmarks.collect [--plan 40@1,300@0.25,1000@0.05] [--quick]

At the provider's 1,000 requests an hour (polls count), requests per lookup are throughput.
For each size N and clock (``N@S``: S times the provider's clock, 1 = real time), against a
fresh simulator at the same scale, ``social-graph collect --time-scale S`` of N accounts (one
``followers,following`` lookup each; ``runs``):

* polling (the first size of a clock also once with no latency history: "cold"),
* callbacks, each confirmed by a poll (the default),
* callbacks trusted (``nyne.trust_callbacks``: the delivery is the answer),

and a naive sequential loop (``naive``: submit, poll every 2 s, next) side by side (run
beside them, on a simulator of its own: it sleeps between its requests). Per run:
requests per lookup, 429s, credits, the API span (first request to last) against the floor
(``floor``: the earliest moment the last request could leave, given the limits and the
number of requests), the whole command's wall, and the load average at start and end. The
runs of one clock share a ledger, so each learns the job latency from those before it, as
successive collections of a deployment do. The clocks: a scaled run is only a model of a real
one while the machine keeps up with the pace the limits allow; Dagster records each key in
about 0.2-0.3 s here (two materializations, four check evaluations, each a SQLite commit), so
N=300, which the minute limit paces, runs at x0.25, and N=1,000, which the hour limit paces
(1,000 requests, then the rest of the hour idle), at x0.05. Writes the "Collection" section of
``benchmarks/RESULTS.md`` (``report``). Not part of the tests.
"""
