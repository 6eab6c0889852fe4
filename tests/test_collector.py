"""The garbage collector's settings for a serving process (fieldops.collector); the running
server's are checked in test_live_server.py."""

import pytest

from fieldops import collector
from fieldops.config import load_config


def test_the_thresholds_come_from_the_environment(monkeypatch):
    assert load_config()["GC_THRESHOLDS"] == (20000, 50, 10)
    monkeypatch.setenv("FIELDOPS_GC_THRESHOLDS", "700,10,10")
    assert load_config()["GC_THRESHOLDS"] == (700, 10, 10)


@pytest.mark.parametrize("text", ["", "700", "700,10", "a,b,c", "700,0,10", "-1,10,10", "1,2,3,4"])
def test_anything_but_three_positive_integers_is_refused_naming_the_setting(text):
    with pytest.raises(ValueError, match="FIELDOPS_GC_THRESHOLDS"):
        collector.parse_thresholds(text)
