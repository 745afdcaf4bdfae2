#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A validator is not installed: that is a failure, not a skip.
echo "$1 is not installed (Debian package $2; build-aux/dev installs it)" >&2
exit 1
