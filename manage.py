#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import sys

from config.startup import django_setup_or_exit


def main() -> None:
    django_setup_or_exit("config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
