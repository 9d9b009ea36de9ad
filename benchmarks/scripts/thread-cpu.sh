#!/bin/bash
# Samples, once a second, every thread's user and system CPU time (clock ticks), minor page faults
# and voluntary / involuntary context switches of a running JVM from /proc, until it exits.
# Usage (Linux): start the load harness with --rounds 1 in the background, then
#   benchmarks/scripts/thread-cpu.sh <pid> threads.txt
#   python3 benchmarks/scripts/thread-cpu-report.py threads.txt harness.log
# The report gives, per round of the throughput phase, microseconds of CPU per request by thread
# group (request threads, dispatcher, load client "java", GC, compiler, inbox workers).
if [ $# -ne 2 ]; then
  echo "usage: $0 PID OUTPUT_FILE" >&2
  exit 2
fi
PID=$1; OUT=$2; : > "$OUT"
while kill -0 $PID 2>/dev/null; do
  T=$(date +%s)
  for t in /proc/$PID/task/*; do
    name=$(cat $t/comm 2>/dev/null); st=$(cat $t/stat 2>/dev/null) || continue
    rest=${st##*) }; set -- $rest
    cs=$(awk '/voluntary_ctxt_switches/{printf "%s ", $2}' $t/status 2>/dev/null)
    echo "$T ${name// /_} ${12} ${13} $8 $cs" >> "$OUT"
  done
  sleep 1
done
