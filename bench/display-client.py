"""The display_data throughput client (bench/kernel-io.ts runs it with /usr/bin/python3).

  display-client.py CONNECTION_FILE CODE_TEMPLATE DISPLAYS RUNS

Connects to a running kernel with pyzmq (the transport under jupyter_client, the Jupyter
server and nbconvert) and runs CODE_TEMPLATE with {n} replaced by DISPLAYS, RUNS times after
one warm-up with {n} = 10. Every iopub message is checked as it arrives: its HMAC-SHA256
signature, its four JSON frames parsed, and for this request's messages the i-th display_data
must show <b>i</b>; nothing else but status and execute_input may answer the request, and the
execute_reply must say ok. Prints one JSON line: {"runs_ms": [...]}, each from the
execute_request sent to its status: idle received. Any mismatch exits non-zero with the reason.

jupyter_client's own Session.deserialize reads about 6 k messages/s on the bench's machine,
node's zeromq.js about 38 k/s with no work per message: either would measure the client.
"""
import datetime
import hashlib
import hmac
import json
import sys
import time
import uuid

import zmq

DELIM = b"<IDS|MSG>"
TIMEOUT_MS = 300_000


def fail(why):
    sys.exit("display-client: " + why)


class Client:
    def __init__(self, info):
        self.key = info["key"].encode()
        self.session = str(uuid.uuid4())
        ctx = zmq.Context.instance()
        url = lambda port: "tcp://%s:%d" % (info["ip"], info[port])
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.RCVHWM, 0)
        self.iopub.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
        self.iopub.connect(url("iopub_port"))
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.shell = ctx.socket(zmq.DEALER)
        self.shell.setsockopt(zmq.IDENTITY, self.session.encode())
        self.shell.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
        self.shell.connect(url("shell_port"))

    def sign(self, parts):
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode()

    def send(self, msg_type, content):
        msg_id = str(uuid.uuid4())
        header = dict(msg_id=msg_id, msg_type=msg_type, session=self.session, username="bench",
                      date=datetime.datetime.now(datetime.timezone.utc).isoformat(), version="5.3")
        parts = [json.dumps(header).encode(), b"{}", b"{}", json.dumps(content).encode()]
        self.shell.send_multipart([DELIM, self.sign(parts)] + parts)
        return msg_id

    def receive(self, socket):
        """(header, parent_header, content) of the next message on socket, its signature checked."""
        frames = socket.recv_multipart()
        d = frames.index(DELIM)
        signature, header, parent, metadata, content = frames[d + 1:d + 6]
        if not hmac.compare_digest(self.sign((header, parent, metadata, content)), signature):
            fail("bad signature")
        json.loads(metadata)
        return json.loads(header), json.loads(parent), json.loads(content)

    def wait_ready(self):
        """Sends kernel_info_request until its status reaches iopub (the subscription has joined)."""
        self.iopub.setsockopt(zmq.RCVTIMEO, 300)
        for _ in range(100):
            msg_id = self.send("kernel_info_request", {})
            try:
                while True:
                    header, parent, content = self.receive(self.iopub)
                    if parent.get("msg_id") == msg_id and content.get("execution_state") == "idle":
                        self.iopub.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
                        return
            except zmq.Again:
                continue
        fail("the kernel's iopub never answered kernel_info_request")

    def displays(self, code, n):
        """Runs code and checks that exactly n display_data <b>0</b> .. <b>n-1</b> answer it."""
        msg_id = self.send("execute_request", dict(code=code, silent=False, store_history=True,
                                                   user_expressions={}, allow_stdin=False, stop_on_error=True))
        started = time.perf_counter()
        shown = 0
        while True:
            header, parent, content = self.receive(self.iopub)
            if parent.get("msg_id") != msg_id:
                continue
            msg_type = header["msg_type"]
            if msg_type == "display_data":
                if content["data"].get("text/html") != "<b>%d</b>" % shown:
                    fail("message %d shows %s" % (shown, json.dumps(content["data"])))
                shown += 1
            elif msg_type == "status":
                if content["execution_state"] == "idle":
                    break
            elif msg_type != "execute_input":
                fail("unexpected %s %s" % (msg_type, json.dumps(content)[:200]))
        elapsed_ms = (time.perf_counter() - started) * 1000
        if shown != n:
            fail("%d of %d display_data reached iopub before idle" % (shown, n))
        while True:
            header, parent, content = self.receive(self.shell)
            if parent.get("msg_id") == msg_id:
                break
        if content["status"] != "ok":
            fail("execute_reply " + json.dumps(content))
        return elapsed_ms


def main():
    connection_file, template, displays, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(connection_file) as f:
        client = Client(json.load(f))
    client.wait_ready()
    try:
        client.displays(template.replace("{n}", "10"), 10)
        runs_ms = [client.displays(template.replace("{n}", str(displays)), displays) for _ in range(runs)]
    except zmq.Again:
        fail("no message within %d s" % (TIMEOUT_MS // 1000))
    print(json.dumps(dict(runs_ms=runs_ms)))


if __name__ == "__main__":
    main()
