"""The extension in a long-lived process: memory over many calls, the GIL
released during a job, Ctrl-C during simulate."""

import os
import signal
import threading
import time

import pytest

import xpuplan


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_no_leak_over_ten_thousand_calls():
    call = lambda: xpuplan.models("llama3.1-8b")  # noqa: E731  a whole job: request, api, report, result
    for _ in range(1000):  # warm up: allocator pools, caches
        call()
    before = _rss_bytes()
    for _ in range(10_000):
        call()
    grown = _rss_bytes() - before
    # 10,000 calls each keeping even 300 bytes would grow by 3 MB.
    assert grown < 3_000_000, f"RSS grew by {grown / 1e6:.1f} MB over 10,000 calls"


def test_errors_do_not_leak_either():
    for _ in range(1000):
        with pytest.raises(xpuplan.InputError):
            xpuplan.train("llama3.1-8b", accelerator="h100-sxm", chips="many")
    before = _rss_bytes()
    for _ in range(5000):
        with pytest.raises(xpuplan.InputError):
            xpuplan.train("llama3.1-8b", accelerator="h100-sxm", chips="many")
    assert _rss_bytes() - before < 2_000_000


def _long_call():
    # One search thread, ~0.3 s: long enough to see whether another Python thread runs meanwhile.
    return xpuplan.compare("llama3.1-70b", train=True, tokens="15T", chips=1024, threads=1)


def test_the_gil_is_released_during_a_job():
    _long_call()  # data loaded, caches warm
    spans = {}

    def timed(name):
        start = time.perf_counter()
        _long_call()
        spans[name] = (start, time.perf_counter())

    threads = [threading.Thread(target=timed, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    # Meanwhile this thread counts: with the GIL held by a job it could not.
    ticks = []
    while any(t.is_alive() for t in threads):
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    overlap = min(a1, b1) - max(a0, b0)
    shorter = min(a1 - a0, b1 - b0)
    assert shorter > 0.05, "the call is too short to tell"
    assert overlap > 0.5 * shorter, f"the two calls overlapped {overlap:.3f} s of {shorter:.3f} s"
    gaps = [y - x for x, y in zip(ticks, ticks[1:])]
    assert max(gaps) < 0.5 * shorter, f"this thread stalled {max(gaps):.3f} s while a job ran"


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals go to the main thread")
def test_ctrl_c_during_simulate_raises_keyboard_interrupt(root):
    path = str(root / "tests/data/portfolio/small.yaml")
    risks = str(root / "tests/data/sim/small-risks.yaml")
    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C

    with pytest.raises(KeyboardInterrupt):
        xpuplan.simulate(path, risks=risks, replicas=4000, seed=1, progress=progress)
    assert 2 <= len(calls) < 10, "the run went on after the interrupt"
    # The module works afterwards.
    assert xpuplan.simulate(path, risks=risks, replicas=16, seed=1).answered in (True, False)
