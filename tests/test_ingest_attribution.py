"""Attribution patterns met in news writing, one per case: each names the speaker of one quotation."""
from __future__ import annotations

import pytest

from test_ingest_rules import quotes_of

INTRO = "Finance Minister Jane Smith and Dr Paul Grey of Oxford University met on Monday."
CASES = [
 ("“We will cut taxes next year,” the finance minister said.", "jane smith"),
 ("“We will cut taxes next year,” Smith, 45, said.", "jane smith"),
 ("“We will cut taxes next year” Smith said.", "jane smith"),
 ("Smith said in an interview: “We will cut taxes next year.”", "jane smith"),
 ("Smith told CNN: “We will cut taxes next year.”", "jane smith"),
 ("“We will cut taxes next year,” says Smith.", "jane smith"),
 ("“We will cut taxes next year,” added Smith.", "jane smith"),
 ("“We will cut taxes next year,” a spokeswoman for the ministry said.", "anon:spokeswoman"),
 ("The ministry said in a statement: “We will cut taxes next year.”", "anon:ministry"),
 ("Asked about the budget, Smith said: “We will cut taxes next year.”", "jane smith"),
 ("“We will cut taxes next year,” wrote Smith in a blog post.", "jane smith"),
 ("Smith insisted that the plan was “fully funded and fair to all.”", "jane smith"),
 ("Speaking to reporters, Smith said “we will cut taxes next year.”", "jane smith"),
 ("“We will cut taxes next year,” Ms Smith said.", "jane smith"),
 ("“The numbers do not add up,” said Dr Paul Grey of Oxford University.", "paul grey"),
 ("Her message was clear: “We will cut taxes next year.”", "jane smith"),
 ("“The numbers do not add up,” the university’s senior economist, Paul Grey, said.", "paul grey"),
 ("Grey was scathing. “The numbers do not add up,” he told the BBC.", "paul grey"),
 ("“The numbers do not add up,” Grey told the BBC on Tuesday, adding that he would vote against.", "paul grey"),
 ("Smith hit back. “Paul Grey is wrong about this budget,” she said.", "jane smith"),
]


@pytest.mark.parametrize(("text", "speaker"), CASES, ids=[c[0][:40] for c in CASES])
def test_the_speaker_is_found(text: str, speaker: str) -> None:
    found = quotes_of(INTRO, text)
    assert len(found) == 1 and found[0][1] == speaker
