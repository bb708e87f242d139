"""A small ECS JSON client for berthd's Unix socket (awsJson1_1 over HTTP/1.1, keep-alive).

berthd answers `POST /` with `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`. The bench
talks to it in-process so that polling for RUNNING/STOPPED costs one request, not one `berth` process.
"""

import http.client
import json
import socket
import time

TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113"


class ECSError(Exception):
    def __init__(self, operation, status, body):
        self.operation, self.status, self.body = operation, status, body
        super().__init__(f"{operation}: HTTP {status}: {body[:400]}")


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("berthd", timeout=timeout)
        self._path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class ECSClient:
    """One keep-alive connection; reconnects once if berthd closed it."""

    def __init__(self, socket_path, timeout=60.0):
        self.socket_path = socket_path
        self.timeout = timeout
        self._conn = None

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def call(self, operation, body=None):
        payload = json.dumps(body or {}).encode()
        headers = {
            "X-Amz-Target": f"{TARGET_PREFIX}.{operation}",
            "Content-Type": "application/x-amz-json-1.1",
        }
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = _UnixConnection(self.socket_path, self.timeout)
            try:
                self._conn.request("POST", "/", body=payload, headers=headers)
                response = self._conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
        if response.status != 200:
            raise ECSError(operation, response.status, data.decode(errors="replace"))
        return json.loads(data) if data else {}

    # -- helpers the bench uses ------------------------------------------------------------

    def run_task(self, cluster, family, count=1, subnets=("subnet-bench0001",), overrides=None,
                 security_group="sg-bench0001"):
        body = {
            "cluster": cluster,
            "taskDefinition": family,
            "count": count,
            "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {
                "subnets": list(subnets), "securityGroups": [security_group], "assignPublicIp": "DISABLED"}},
        }
        if overrides:
            body["overrides"] = overrides
        reply = self.call("RunTask", body)
        if reply.get("failures"):
            raise ECSError("RunTask", 200, json.dumps(reply["failures"]))
        return [t["taskArn"] for t in reply["tasks"]]

    def describe(self, cluster, arns):
        """Every task's document, in batches of 100 (DescribeTasks' limit)."""
        out = []
        for i in range(0, len(arns), 100):
            out += self.call("DescribeTasks", {"cluster": cluster, "tasks": arns[i:i + 100]})["tasks"]
        return out

    def wait_status(self, cluster, arns, status, timeout, poll=0.005, latencies=None):
        """Polls DescribeTasks until every task's lastStatus is `status` (STOPPED always ends the wait).
        Returns (seconds, documents). Raises TimeoutError with the laggards' statuses. Each poll's
        duration is appended to `latencies` when given (how responsive berthd is while tasks start)."""
        start = time.perf_counter()
        pending = list(arns)
        done = {}
        while True:
            call = time.perf_counter()
            docs = self.describe(cluster, pending[:100])
            if latencies is not None:
                latencies.append(time.perf_counter() - call)
            for doc in docs:
                if doc.get("lastStatus") == status or doc.get("lastStatus") == "STOPPED":
                    done[doc["taskArn"]] = doc
            pending = [a for a in pending if a not in done]
            if not pending:
                return time.perf_counter() - start, [done[a] for a in arns]
            if time.perf_counter() - start > timeout:
                states = {}
                for doc in docs:
                    states[doc.get("lastStatus")] = states.get(doc.get("lastStatus"), 0) + 1
                raise TimeoutError(f"{len(pending)} of {len(arns)} tasks not {status} after {timeout:.0f} s: {states}")
            time.sleep(poll)

    def stop_tasks(self, cluster, arns, reason="bench"):
        for arn in arns:
            self.call("StopTask", {"cluster": cluster, "task": arn, "reason": reason})
