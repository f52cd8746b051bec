#!/usr/bin/env bash
# The same workloads on the JIT, as a default NativeAOT publish (the portable x86-64-v2 baseline) and as a NativeAOT
# publish for x86-64-v3 (AVX2 + FMA), run one after the other in one sitting; prints docs/aot.md's table with each
# native figure as a ratio to the JIT's.
#
#   bash benchmarks/AotSpeed/measure.sh           # the table
#   bash benchmarks/AotSpeed/measure.sh --check   # also fail (exit 1) when the default publish is more than 1.2x
#                                                 # slower than the JIT on W3's gradient and its build did not warn
#                                                 # with BPG100 (what .ci/aot runs)
set -euo pipefail
cd "$(dirname "$0")/../.."

project=benchmarks/AotSpeed
rid=linux-x64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

publish() { # name, extra publish arguments...
    local name=$1
    shift
    # Start from no earlier native output, so that the instruction set of this publish is the one compiled in.
    rm -rf "$project/bin/Release/net10.0/$rid" "$project/obj/Release/net10.0/$rid"
    dotnet publish "$project" -c Release -r "$rid" -tl:off -o "$work/$name" "$@" > "$work/$name.log" 2>&1 ||
        { cat "$work/$name.log"; exit 1; }
}

dotnet build "$project" -c Release -tl:off > "$work/jit.log" 2>&1 || { cat "$work/jit.log"; exit 1; }
publish default
publish v3 -p:IlcInstructionSet=x86-64-v3

dotnet "$project/bin/Release/net10.0/AotSpeed.dll" > "$work/jit.txt"
"$work/default/AotSpeed" > "$work/default.txt"
"$work/v3/AotSpeed" > "$work/v3.txt"
for name in jit default v3; do
    echo "$name: $(head -2 "$work/$name.txt" | paste -sd " ")"
done

warned=no
if grep -q 'warning BPG100' "$work/default.log"; then
    warned=yes
fi

# One row per workload: each native figure and its ratio to the JIT's; the W3 ratio goes to its own file.
echo
echo "| | JIT | NativeAOT, default | NativeAOT, x86-64-v3 |"
echo "|---|---|---|---|"
awk -F': ' -v ratio_file="$work/w3_ratio" '
    FNR == 1 { file++ }
    / (ns|us)$/ { split($2, v, " "); value[file, $1] = v[1]; unit[$1] = v[2]; if (file == 1) order[++n] = $1 }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]
            printf "| %s | %s %s | %s %s (%.2fx) | %s %s (%.2fx) |\n", k, value[1, k], unit[k], value[2, k], unit[k], value[2, k] / value[1, k], value[3, k], unit[k], value[3, k] / value[1, k]
            if (k ~ /^W3/) printf "%.2f\n", value[2, k] / value[1, k] > ratio_file
        }
    }' "$work/jit.txt" "$work/default.txt" "$work/v3.txt"
ratio=$(cat "$work/w3_ratio")
echo
echo "W3 gradient, default NativeAOT publish against the JIT: ${ratio}x; BPG100 shown by its build: $warned"

# The three builds must compute the same values, to the rounding that separate multiplies and adds (the portable
# paths) or other vector widths give: every number of the "computed:" lines within 1e-4 relative of the JIT's.
same=$(for name in jit default v3; do sed -n 's/^computed: //p' "$work/$name.txt" | tr -c '0-9.eE+\n-' ' '; done | awk '
    { for (i = 1; i <= NF; i++) value[NR, i] = $i; fields = NF }
    END {
        worst = 0
        for (row = 2; row <= 3; row++)
            for (i = 1; i <= fields; i++) {
                d = value[row, i] - value[1, i]; if (d < 0) d = -d
                m = value[1, i]; if (m < 0) m = -m
                if (m > 0 && d / m > worst) worst = d / m
            }
        printf "%.1e", worst
    }')
echo "largest relative difference of the native builds' results from the JIT's: $same (allowed 1e-4)"

if [ "${1:-}" = "--check" ]; then
    if awk -v d="$same" 'BEGIN { exit !(d > 1e-4) }'; then
        echo "aot speed: the native builds compute other values than the JIT."
        exit 1
    fi
    if awk -v r="$ratio" 'BEGIN { exit !(r > 1.2) }' && [ "$warned" != yes ]; then
        echo "aot speed: the default native publish is ${ratio}x slower than the JIT on W3's gradient and its build did not say so (BPG100)."
        exit 1
    fi
    echo "aot speed: passed"
fi
