#!/usr/bin/env python3
"""Thompson sampling as a RecSynth outside policy (protocol version 1, arm mode).

Per user, a Beta(1, 1) prior on each arm's reward rate, updated by the `outcomes` of the user's sessions.
For each session of a `choose`, one draw from each of the user's posteriors; the arm with the largest draw
is served. Its propensity (the probability that Thompson sampling picks that arm) is estimated by Monte Carlo.

Transports (Python 3 standard library only):
    thompson.py                       exec: one JSON message per line on stdin, one answer per line on stdout
    thompson.py --http PORT [--host]  HTTP: POST …/hello, …/choose, …/outcomes, …/end (any path prefix)

The same messages give the same answers, byte for byte, however a step's sessions are split into `choose`
batches: every random number is drawn from a generator seeded by hello's `seed` and the session (or the
posterior) it serves, never from a shared stream.
"""

import argparse
import functools
import json
import operator
import random
import sys
import threading
from array import array
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = "python-thompson"
PROTOCOL = 1
# The propensity is estimated from DRAWS Monte Carlo rounds (so it is a multiple of 1/DRAWS, at least 1/DRAWS),
# each round one draw per arm. Draws come from a pool of POOL draws kept per (arm, alpha, beta), at an offset
# chosen per session: 5 arms x 200 fresh Beta draws per session would cost 1 ms in Python, the pool 25 us.
DRAWS = 200
POOL = 1024
MESSAGE_TYPES = ("hello", "choose", "outcomes", "end")


class PolicyError(Exception):
    """A message this policy cannot answer: becomes {"error": text}, which stops the run."""


@functools.lru_cache(maxsize=4096)
def posterior_pool(seed, arm, alpha, beta):
    """POOL draws of Beta(alpha, beta) for one arm, the same whenever this posterior comes up again.

    Seeded by the posterior, not the session, so that users with equal counts on an arm share one pool
    (and an evicted pool comes back identical); the arm is in the seed so that arms with equal counts
    still draw independently. array('d'): 8 KB a pool.
    """
    rng = random.Random(f"{seed}:pool:{arm}:{alpha}:{beta}")
    return array("d", [rng.betavariate(alpha, beta) for _ in range(POOL)])


def array_field(message, name):
    value = message[name]
    if not isinstance(value, list):
        raise PolicyError(f"field {json.dumps(name)} must be an array")
    return value


class ThompsonPolicy:
    """The bandit. To write your own, keep the four methods' inputs and outputs and change their insides."""

    def __init__(self, message):
        if message.get("protocol") != PROTOCOL:
            raise PolicyError(f"{NAME} speaks protocol {PROTOCOL}, not {message.get('protocol')!r}")
        if message.get("mode") != "arm":
            raise PolicyError(f"{NAME} chooses arms (--policy); it cannot fill slates (mode {message.get('mode')!r})")
        arms = message["arms"]
        if not isinstance(arms, list) or not arms or not all(isinstance(arm, str) for arm in arms):
            raise PolicyError(f"field \"arms\" must be a non-empty list of names, not {json.dumps(arms)}")
        if len(set(arms)) != len(arms):
            raise PolicyError(f"field \"arms\" lists an arm twice: {json.dumps(arms)}")
        if not isinstance(message["seed"], int):
            raise PolicyError(f"field \"seed\" must be an integer, not {json.dumps(message['seed'])}")
        self.arms = list(arms)
        self.arm_index = {arm: index for index, arm in enumerate(self.arms)}
        self.seed = message["seed"]
        self.prior = ((1, 1),) * len(self.arms)
        self.posteriors = {}  # user_id -> list of (alpha, beta), one per arm

    def choose(self, message):
        choices = []
        for session in array_field(message, "sessions"):
            session_id = session["session_id"]
            posterior = self.posteriors.get(session["user_id"], self.prior)
            rng = random.Random(f"{self.seed}:{session_id}")
            draws = [rng.betavariate(alpha, beta) for alpha, beta in posterior]
            chosen = draws.index(max(draws))
            choices.append({
                "session_id": session_id,
                "arm": self.arms[chosen],
                "propensity": self.propensity(posterior, chosen, rng),
            })
        return {"choices": choices}

    def propensity(self, posterior, chosen, rng):
        """The share of Monte Carlo rounds in which the chosen arm's draw beats every other arm's, in [1/DRAWS, 1]."""
        if len(posterior) == 1:
            return 1.0
        rounds = []
        for arm, (alpha, beta) in enumerate(posterior):
            offset = rng.randrange(POOL - DRAWS + 1)
            rounds.append(posterior_pool(self.seed, self.arms[arm], alpha, beta)[offset:offset + DRAWS])
        mine = rounds.pop(chosen)
        best_other = rounds[0] if len(rounds) == 1 else map(max, *rounds)
        wins = sum(map(operator.gt, mine, best_other))
        return max(wins, 1) / DRAWS

    def outcomes(self, message):
        for outcome in array_field(message, "outcomes"):
            arm = self.arm_index.get(outcome["arm"])
            if arm is None:
                raise PolicyError(f"session {outcome['session_id']}: arm {json.dumps(outcome['arm'])} is not one of {', '.join(self.arms)}")
            reward = outcome["reward"]
            if reward not in (0, 1):
                raise PolicyError(f"session {outcome['session_id']}: reward {json.dumps(reward)} is not 0 or 1")
            posterior = self.posteriors.setdefault(outcome["user_id"], list(self.prior))
            alpha, beta = posterior[arm]
            posterior[arm] = (alpha + 1, beta) if reward == 1 else (alpha, beta + 1)
        return {}


class Conversation:
    """One run's messages in order. Shared by both transports."""

    def __init__(self):
        self.policy = None
        # Answers by request_id since the last hello: an HTTP retry of a message that was already handled
        # (its answer lost on the way back) gets the same answer again, and outcomes are not counted twice.
        self.answered = OrderedDict()

    def answer(self, message):
        kind = message.get("type")
        try:
            if kind == "hello":
                # A hello always starts a new run, also on a server left running between runs.
                self.policy, self.answered = None, OrderedDict()
                self.policy = ThompsonPolicy(message)
                return {"name": NAME}
            if kind not in MESSAGE_TYPES:
                raise PolicyError(f"unknown message type {json.dumps(kind)}")
            key = (kind, message.get("request_id"))
            if key in self.answered:
                return self.answered[key]
            if self.policy is None:
                raise PolicyError("no hello yet")
            if kind == "choose":
                answer = self.policy.choose(message)
            elif kind == "outcomes":
                answer = self.policy.outcomes(message)
            else:
                answer = {}
            self.answered[key] = answer
            while len(self.answered) > 8:
                self.answered.popitem(last=False)
            return answer
        except KeyError as error:
            text = f"missing field {json.dumps(error.args[0])}"
        except (PolicyError, TypeError, ValueError, AttributeError) as error:
            text = str(error)
        return {"error": f"{kind} message: {text}" if kind in MESSAGE_TYPES else text}


def encode(answer):
    return json.dumps(answer, separators=(",", ":")).encode() + b"\n"


def serve_exec():
    # Answers go to the real stdout; a stray print() (yours, while debugging) goes to stderr instead of
    # breaking the one-answer-per-line rule.
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    conversation = Conversation()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            message = json.loads(line)
            answer = conversation.answer(message) if isinstance(message, dict) else {"error": "a message must be a JSON object"}
        except ValueError as error:
            answer = {"error": f"bad JSON: {error}"}
        if "error" in answer:
            print(f"{NAME}: {answer['error']}", file=sys.stderr)
        out.write(encode(answer))
        out.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection for the whole run
    disable_nagle_algorithm = True  # else each small answer waits 40 ms for the client's delayed ACK
    server_version = NAME

    def do_POST(self):
        body = self.read_body()
        kind = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if kind not in MESSAGE_TYPES:
            return self.reply(404, {"error": f"no such path {self.path}: POST to .../hello, .../choose, .../outcomes or .../end"})
        try:
            message = json.loads(body)
        except ValueError as error:
            return self.reply(400, {"error": f"bad JSON: {error}"})
        if not isinstance(message, dict):
            return self.reply(400, {"error": "a message must be a JSON object"})
        if message.setdefault("type", kind) != kind:
            return self.reply(400, {"error": f"message type {message['type']!r} posted to .../{kind}"})
        with self.server.lock:
            answer = self.server.conversation.answer(message)
        if "error" in answer:
            print(f"{NAME}: {answer['error']}", file=sys.stderr)
        self.reply(200, answer)

    def do_GET(self):
        self.reply(404, {"error": f"no such path {self.path}: POST to .../hello, .../choose, .../outcomes or .../end"})

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0], 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers, up to the empty line
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size + 2)[:size])  # the chunk and its CRLF
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(self, status, answer):
        body = encode(answer)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # one line per request would flood stderr over a year of days; errors are printed above


def serve_http(host, port):
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.lock = threading.Lock()  # one message at a time, also when a retry overlaps a slow answer
    server.conversation = Conversation()
    host, port = server.server_address[:2]
    print(f"{NAME}: listening on http://{host}:{port}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def main():
    parser = argparse.ArgumentParser(description="Thompson sampling as a RecSynth outside policy.")
    parser.add_argument("--http", type=int, metavar="PORT", help="serve HTTP on PORT (0: any free port) instead of stdin/stdout")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on with --http (default 127.0.0.1)")
    args = parser.parse_args()
    try:
        if args.http is None:
            serve_exec()
        else:
            serve_http(args.host, args.http)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # RecSynth went away mid-run: it reports that itself
        sys.exit(1)


if __name__ == "__main__":
    main()
