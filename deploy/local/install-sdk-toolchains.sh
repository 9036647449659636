#!/usr/bin/env bash
# Installs Debian's PHP (with PHPUnit) and Ruby (with minitest) for the PHP and Ruby SDK suites.
# Neither SDK has a runtime dependency, and nothing comes from Packagist or RubyGems: only what
# is missing here is installed, from apt.
set -euo pipefail

missing=()
command -v php >/dev/null 2>&1 || missing+=(php-cli)
command -v phpunit >/dev/null 2>&1 || missing+=(phpunit)
if command -v ruby >/dev/null 2>&1; then
  # Debian's Ruby bundles minitest; a Ruby built without its bundled gems gets the package.
  ruby -e 'require "minitest"' >/dev/null 2>&1 || missing+=(ruby-minitest)
else
  missing+=(ruby)
fi

if ((${#missing[@]} == 0)); then
  echo "sdk toolchains: system (PHP $(php -r 'echo PHP_VERSION;'), Ruby $(ruby -e 'print RUBY_VERSION'))"
  exit 0
fi
echo "sdk toolchains: installing the Debian packages ${missing[*]} (apt) ..."
sudo=()
((EUID == 0)) || sudo=(sudo)
"${sudo[@]}" apt-get update -q >/dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
echo "sdk toolchains: installed (PHP $(php -r 'echo PHP_VERSION;'), Ruby $(ruby -e 'print RUBY_VERSION'))"
