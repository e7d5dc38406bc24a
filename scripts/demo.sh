#!/usr/bin/env bash
# The README's demo command: a local multi-site deployment on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: arrives with the provisioning issue (#6)"
