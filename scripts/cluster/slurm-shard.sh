#!/usr/bin/env bash
# One shard of a portauth scan, as a task of a Slurm job array.
#
#   sbatch --array=1-16 scripts/cluster/slurm-shard.sh PROFILE.yaml 16 OUTDIR [portauth scan options...]
#   # later, anywhere that sees OUTDIR:
#   portauth merge OUTDIR/shard-*.manifest.json -oX all.xml -oJ all.jsonl
#
# Each task scans shard $SLURM_ARRAY_TASK_ID of 16 (--shard auto/16: the task ID is the shard
# number, so the array must be 1-N) and writes OUTDIR/shard-ID.jsonl and its manifest; a task
# that is cancelled (SIGTERM) leaves OUTDIR/shard-ID.resume.yaml, which finishes it (merge says how). The
# profile and the options must give every task the same plan: put --seed in one of them.
# A task that died is re-run alone with the same arguments: sbatch --array=ID ... (merge
# prints the command). Environment:
#   PORTAUTH        the portauth binary (default: portauth on PATH)
#   PORTAUTH_NETNS  run the scanner inside this network namespace (the tests' lab does)
#SBATCH --job-name=portauth-shard
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
set -euo pipefail

if (($# < 3)); then
  echo "usage: sbatch --array=1-N $0 PROFILE.yaml N OUTDIR [portauth scan options...]" >&2
  exit 2
fi
profile=$1 shards=$2 out=$3
shift 3
: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch --array=1-$shards}"
mkdir -p "$out"
wrap=()
[[ -n ${PORTAUTH_NETNS:-} ]] && wrap=(ip netns exec "$PORTAUTH_NETNS")
# -o FILE (not -oJ FILE): the results go to the file INSTEAD of standard output, so a task
# never also prints (and holds in memory) a text report of its ports into its Slurm log.
exec "${wrap[@]}" "${PORTAUTH:-portauth}" scan -c "$profile" --shard "auto/$shards" --no-progress \
  --format jsonl -o "$out/shard-$SLURM_ARRAY_TASK_ID.jsonl" --manifest "$out/shard-$SLURM_ARRAY_TASK_ID.manifest.json" \
  --resume-file "$out/shard-$SLURM_ARRAY_TASK_ID.resume.yaml" "$@"
