"""A benchmark's measuring process that dies says so, instead of leaving the run waiting."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from benchmarks.children import ChildFailed, answer


def _answers(out):
    out.put({"rows": 3})


def _dies(out):
    raise SystemExit(3)


def test_the_answer_of_a_child_and_the_death_of_one():
    context = mp.get_context("spawn")
    for target, expected in ((_answers, {"rows": 3}), (_dies, None)):
        out = context.Queue()
        process = context.Process(target=target, args=(out,))
        process.start()
        if expected is None:
            with pytest.raises(ChildFailed, match="exit code 3"):
                answer(process, out)
        else:
            assert answer(process, out) == expected
