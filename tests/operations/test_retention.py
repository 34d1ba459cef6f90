"""The retention rule: 7 daily, 4 weekly, 12 monthly, and nothing else is touched."""

from __future__ import annotations

import datetime

from django.core.management import call_command

from parindex.operations.retention import Policy, to_delete, to_keep


def _name(moment: datetime.datetime) -> str:
    return f"parindex-backup-{moment:%Y%m%d-%H%M%S}.tar.gz"


def _daily(days: int, end=datetime.datetime(2025, 12, 31, 2, 30)) -> list[str]:
    return [_name(end - datetime.timedelta(days=n)) for n in range(days)]


def test_a_year_of_daily_backups_keeps_the_last_days_weeks_and_months():
    names = _daily(400)

    kept = sorted(to_keep(names, Policy()), reverse=True)

    assert kept[:7] == names[:7]  # the last seven days
    # Sundays end ISO weeks: the newest of each of the last 4 weeks (this week's is today's).
    assert _name(datetime.datetime(2025, 12, 28, 2, 30)) in kept
    assert _name(datetime.datetime(2025, 12, 14, 2, 30)) in kept
    # The newest of each of the last 12 months: month ends.
    assert _name(datetime.datetime(2025, 1, 31, 2, 30)) in kept
    assert _name(datetime.datetime(2024, 12, 31, 2, 30)) not in kept
    assert len(kept) <= 7 + 4 + 12
    assert set(to_delete(names, Policy())) == set(names) - set(kept)


def test_several_backups_a_day_keep_the_newest_of_the_day():
    day = datetime.datetime(2025, 6, 1)
    names = [_name(day.replace(hour=hour)) for hour in (2, 12, 18)]
    assert to_keep(names, Policy(daily=1, weekly=0, monthly=0)) == {names[-1]}


def test_other_files_are_never_deleted():
    names = [*_daily(30), "notes.txt", "parindex-backup-latest.tar.gz", "manual-copy.tar.gz"]
    assert not {"notes.txt", "parindex-backup-latest.tar.gz", "manual-copy.tar.gz"} & set(
        to_delete(names, Policy(daily=1, weekly=0, monthly=0))
    )


def test_the_newest_is_kept_even_with_a_zero_policy():
    names = _daily(3)
    assert to_keep(names, Policy(0, 0, 0)) == {names[0]}


def test_the_command_deletes_what_the_rule_does_not_keep(tmp_path, capsys):
    for name in [*_daily(20), "README"]:
        (tmp_path / name).write_text("x")

    call_command("prune_backups", str(tmp_path), "--daily", "3", "--weekly", "0", "--monthly", "0")

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*_daily(3), "README"])
    assert "Giữ 3 bản sao lưu" in capsys.readouterr().out
