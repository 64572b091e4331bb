"""Headless Chromium driven over its DevTools protocol on a pipe (--remote-debugging-pipe: it reads commands on fd 3
and writes replies and events on fd 4, each a JSON message ending in NUL): open a page, then read what happened."""

import fcntl
import json
import os
import select
import shutil
import subprocess
import time


class Browser:
    """One headless Chromium with one page (a flattened session); `call` sends a command, `events` holds the rest."""

    def __init__(self, chromium: str, profile: str) -> None:
        to_chrome, self._to = os.pipe()
        self._from, from_chrome = os.pipe()
        # above fd 9 (bash takes multi-digit fds): redirecting to fds 3 and 4 cannot overwrite one before it is read
        to_chrome, from_chrome = (self._above_9(fd) for fd in (to_chrome, from_chrome))
        command = (f"exec {shutil.which(chromium) or chromium} --headless --no-sandbox --disable-gpu --no-first-run "
                   f"--user-data-dir={profile} --remote-debugging-pipe 3<&{to_chrome} 4>&{from_chrome}")
        self.process = subprocess.Popen(["bash", "-c", command], pass_fds=(to_chrome, from_chrome),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._next, self.events = b"", 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=self.session)

    @staticmethod
    def _above_9(fd: int) -> int:
        high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return high

    def _read(self, timeout: float) -> dict | None:
        """The next message, or None when none came within `timeout` seconds."""
        while b"\0" not in self._buffer:
            if not select.select([self._from], [], [], timeout)[0]:
                return None
            chunk = os.read(self._from, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: str | None = None, timeout: float = 60, **params: object) -> dict:
        """Send one command and wait for its reply; events met on the way are kept in `events`."""
        self._next += 1
        message = {"id": self._next, "method": method, "params": params} | ({"sessionId": session} if session else {})
        os.write(self._to, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while (reply := self._read(deadline - time.monotonic())) is not None:
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)
        raise TimeoutError(f"{method}: no reply within {timeout} s")

    def wait_for(self, method: str, timeout: float = 60) -> None:
        """Read events until one named `method` arrives (kept in `events` with the others)."""
        deadline = time.monotonic() + timeout
        while not any(event.get("method") == method for event in self.events):
            event = self._read(deadline - time.monotonic())
            if event is None:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.events.append(event)

    def open(self, url: str, timeout: float = 60) -> list[dict]:
        """Load `url` in the page; every event from the navigation to the load event (and a moment after)."""
        self.events = []
        self.call("Page.navigate", session=self.session, url=url)
        self.wait_for("Page.loadEventFired", timeout)
        self.evaluate("new Promise(done => setTimeout(done, 100))")  # late console messages and requests
        return self.events

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.call("Runtime.evaluate", session=self.session, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to)
        os.close(self._from)


def problems(events: list[dict]) -> dict[str, list[str]]:
    """From a page's events: console errors, uncaught exceptions, failed loads, and every requested URL."""
    console = [" ".join(str(arg.get("value", arg.get("description", ""))) for arg in e["params"]["args"])
               for e in events if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")]
    thrown = [e["params"]["exceptionDetails"].get("exception", {}).get("description", e["params"]["exceptionDetails"]["text"])
              for e in events if e.get("method") == "Runtime.exceptionThrown"]
    logged = [f"{e['params']['entry']['text']} ({e['params']['entry'].get('url', '')})"
              for e in events if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    failed = [e["params"].get("errorText", "") for e in events if e.get("method") == "Network.loadingFailed"]
    requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    return {"errors": console + thrown + logged + failed, "requests": requests}
