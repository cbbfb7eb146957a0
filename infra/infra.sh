#!/usr/bin/env bash
# Ferry's local infrastructure without Docker: Apache Kafka (KRaft), Apicurio Registry (Confluent-compatible API)
# and PostgreSQL, as plain background processes fetched once from Maven Central (and Debian) into FERRY_HOME.
#
#   infra.sh up      fetch once, start what does not answer yet, write <FERRY_HOME>/infra.env
#   infra.sh down    stop what this script started (its pid files), nothing else
#   infra.sh status  one line per endpoint; exit 0 only if all answer
#   infra.sh cluster up|down|status|env|kill-broker N|start-broker N
#                    a separate 3-node KRaft cluster (replication 3, min.insync.replicas 2) for scale-out runs
#
# Overrides: FERRY_HOME, KAFKA_PORT, KAFKA_CONTROLLER_PORT, REGISTRY_PORT, REGISTRY_MANAGEMENT_PORT, DATABASE_URL,
# FERRY_PG_PORT, FERRY_OWN_PG=1, FERRY_START_TIMEOUT, APICURIO_JAVA. Details: infra/README.md.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

readonly DEFAULT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ferry
readonly REGISTRY_DB=ferry_registry
readonly TEST_DB=ferry_test
readonly OWN_PG_PORT=${FERRY_PG_PORT:-5433}
readonly START_TIMEOUT=${FERRY_START_TIMEOUT:-180}
readonly STOP_TIMEOUT=30

# ---------------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------------

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# A TCP connect with bash's /dev/tcp; `timeout` because a filtered port would otherwise hang for minutes.
port_open() { timeout 2 bash -c ">/dev/tcp/$1/$2" 2>/dev/null; }

http_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true; }

# The pid in a pid file, if that process is alive AND still the program we started (its command line contains
# the marker): a pid file that survived a reboot may name an unrelated process by now.
live_pid() {
  local file=$1 marker=$2 pid cmdline
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Read into a variable, not `| grep -q`: under pipefail grep's early exit can fail the pipe with SIGPIPE.
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$marker"* ]] || return 1
  printf '%s\n' "$pid"
}

# Starts a command as a detached background process: own session (setsid) so a terminal's hangup or the
# caller's process group being killed does not take it down; stdin from /dev/null and stdout/stderr to a log so
# that a caller reading our output (jest's execFileSync, CI) is not kept waiting on inherited pipes; fd 9 (the
# lock) closed so the lock is not held for the server's lifetime. The pid written is the server's own: the inner
# shell writes $$ and then execs the command.
spawn() {
  local pidfile=$1 logfile=$2 workdir=$3
  shift 3
  if [[ -f $logfile ]]; then mv -f "$logfile" "$logfile.1"; fi # keep the previous run's log for post-mortems
  rm -f "$pidfile"                                               # a stale one would pass for the new pid below
  # shellcheck disable=SC2016 # $$ and $0 are the inner shell's, single quotes on purpose
  (cd "$workdir" && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$logfile" 2>&1 9>&-) &
  # Wait for the pid file so callers can rely on it (the inner shell writes it first thing).
  local i
  for i in $(seq 1 50); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not start $1 (no pid written); see $logfile"
}

# Stops a process we started: SIGTERM (or the given signal) for a graceful shutdown, SIGKILL after STOP_TIMEOUT.
stop_pidfile() {
  local name=$1 file=$2 marker=$3 signal=${4:-TERM} pid i
  if ! pid=$(live_pid "$file" "$marker"); then
    if [[ -f $file ]]; then
      log "$name: not running (stale pid file removed)"
      rm -f "$file"
    else
      log "$name: not started by infra.sh, left alone"
    fi
    return 0
  fi
  kill -s "$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: still running ${STOP_TIMEOUT}s after SIG$signal, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
  log "$name: stopped (pid $pid)"
}

# Java's feature release (17, 21…) from the JDK's `release` file, or from -version when there is none.
java_major() {
  local java=$1 home v
  home=$(dirname "$(dirname "$(readlink -f "$java")")")
  if [[ -f $home/release ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  else
    v=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  printf '%s\n' "${v:-0}"
}

# Runs Maven inside the given fresh temporary directory: without a project, unpack writes marker files under a
# literal '${project.basedir}/target' in the current directory (no property moves them), and a marker left by an
# earlier run makes unpack silently skip the archive. In a fresh directory there is none; they are deleted after.
mvn_fetch() {
  local what=$1 dir=$2
  shift 2
  command -v mvn >/dev/null || die "Maven (mvn) is needed once to fetch $what from Maven Central"
  if ! (cd "$dir" && mvn -B -q "$@") >>"$LOG_DIR/fetch.log" 2>&1; then
    die "fetching $what failed; see $LOG_DIR/fetch.log"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Downloads (once: each lands in a temporary directory and is renamed into place only when complete, so an
# interrupted run never leaves a half cache that would later pass for a full one)
# ---------------------------------------------------------------------------------------------------------------

fetch_kafka() {
  [[ -f $KAFKA_HOME/.complete ]] && return 0
  local t0 tmp
  t0=$(now)
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_HOME"
  rm -rf "$CACHE_DIR"/.kafka.* # left by an interrupted or failed fetch (the lock rules out a concurrent one)
  tmp=$(mktemp -d "$CACHE_DIR/.kafka.XXXXXX")
  mvn_fetch "Kafka $KAFKA_VERSION" "$tmp" -f "$INFRA_DIR/kafka/pom.xml" "$MVN_DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$tmp/lib"
  [[ -f $tmp/lib/kafka_2.13-$KAFKA_VERSION.jar ]] || die "Kafka jars missing after fetch; see $LOG_DIR/fetch.log"
  rm -rf "$tmp/\${project.basedir}"
  touch "$tmp/.complete"
  rm -rf "$KAFKA_HOME"
  mv "$tmp" "$KAFKA_HOME"
  log "kafka: fetched $(du -sh "$KAFKA_HOME" | cut -f1) in $(since "$t0")"
}

fetch_apicurio() {
  [[ -f $APICURIO_HOME/.complete ]] && return 0
  local t0 tmp
  t0=$(now)
  log "fetching Apicurio Registry $APICURIO_VERSION from Maven Central into $APICURIO_HOME"
  rm -rf "$CACHE_DIR"/.apicurio.*
  tmp=$(mktemp -d "$CACHE_DIR/.apicurio.XXXXXX")
  # unpack, not dependency:get: get also resolves the app's transitive dependencies, some of which live only in
  # a repository this machine cannot reach; the tar.gz:all assembly is self-contained.
  mvn_fetch "Apicurio Registry $APICURIO_VERSION" "$tmp" "$MVN_DEPENDENCY_PLUGIN:unpack" \
    -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" -DoutputDirectory="$tmp"
  [[ -f $tmp/quarkus-run.jar ]] || die "quarkus-run.jar missing after fetch; see $LOG_DIR/fetch.log"
  rm -rf "$tmp/\${project.basedir}"
  touch "$tmp/.complete"
  rm -rf "$APICURIO_HOME"
  mv "$tmp" "$APICURIO_HOME"
  log "registry: fetched $(du -sh "$APICURIO_HOME" | cut -f1) in $(since "$t0")"
}

# Apicurio 3.3.x is compiled for Java 21 (its app module overrides the parent's release 17), so Java 17 fails with
# UnsupportedClassVersionError. Sets APICURIO_JAVA_BIN to, in order: APICURIO_JAVA; the java on PATH / JAVA_HOME
# if it is 21+; a JDK 21+ under /usr/lib/jvm; the JRE this script provisioned earlier; else a newly provisioned one.
resolve_apicurio_java() {
  local candidate
  if [[ -n ${APICURIO_JAVA:-} ]]; then
    [[ $(java_major "$APICURIO_JAVA") -ge 21 ]] || die "APICURIO_JAVA=$APICURIO_JAVA is not Java 21+"
    APICURIO_JAVA_BIN=$APICURIO_JAVA
    return 0
  fi
  for candidate in "$(kafka_java)" /usr/lib/jvm/*/bin/java; do
    if [[ -x $candidate && $(java_major "$candidate") -ge 21 ]]; then
      APICURIO_JAVA_BIN=$candidate
      return 0
    fi
  done
  provision_jre21
  APICURIO_JAVA_BIN=$JRE21_HOME/bin/java
}

# The machine's Debian (12) has no Java 21 package, and no JDK is published on Maven Central. Debian 13's
# openjdk-21-jre-headless is official and reachable through the same Debian mirror, but it needs glibc 2.38+.
# So: download (not install) that package plus Debian 13's libc6, libstdc++6, libgcc-s1 and zlib1g with a private
# apt configuration (the system's apt state is not touched), unpack them under the cache, and point the JRE's
# ELF files at that glibc with patchelf (interpreter + RUNPATH). The JRE's config symlinks into /etc are replaced
# by the unpacked files. Only Apicurio runs on it.
provision_jre21() {
  [[ -f $JRE21_HOME/.complete ]] && return 0
  local t0 arch suite=trixie mirror work apt_opts f target
  t0=$(now)
  if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
    die "Apicurio $APICURIO_VERSION needs Java 21: install a JDK 21 and set APICURIO_JAVA=/path/to/bin/java"
  fi
  if ! command -v patchelf >/dev/null; then
    [[ $(id -u) -eq 0 ]] || die "Apicurio needs Java 21: install patchelf (apt-get install patchelf) or set APICURIO_JAVA"
    log "installing patchelf (Debian package) to provision a Java 21 runtime"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q patchelf >>"$LOG_DIR/fetch.log" 2>&1 ||
      { apt-get update -q >>"$LOG_DIR/fetch.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q patchelf >>"$LOG_DIR/fetch.log" 2>&1; } ||
      die "could not install patchelf; see $LOG_DIR/fetch.log"
  fi
  arch=$(dpkg --print-architecture)
  # Reuse the Debian mirror this machine is configured with (deb822 or one-line format), not a hard-coded host.
  mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 || true)
  [[ -n $mirror ]] || mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1 || true)
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt to fetch a Java 21 runtime; set APICURIO_JAVA"
  log "provisioning a Java 21 runtime for Apicurio (Debian $suite packages) into $JRE21_HOME"
  rm -rf "$CACHE_DIR"/.jre21.*
  work=$(mktemp -d "$CACHE_DIR/.jre21.XXXXXX")
  mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/apt/sources.d" "$work/apt/prefs.d" \
    "$work/debs" "$work/root"
  printf 'deb %s %s main\n' "$mirror" "$suite" >"$work/apt/sources.list"
  apt_opts=(-q -o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=$work/apt/sources.d"
    -o "Dir::Etc::PreferencesParts=$work/apt/prefs.d" -o "Dir::Etc::Preferences=$work/apt/none"
    -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt" -o "APT::Architecture=$arch"
    -o Acquire::Languages=none -o Debug::NoLocking=1)
  if [[ $(id -u) -eq 0 ]]; then apt_opts+=(-o APT::Sandbox::User=root); fi # silences apt's _apt sandbox warning
  (cd "$work/debs" &&
    apt-get "${apt_opts[@]}" update &&
    apt-get "${apt_opts[@]}" download openjdk-21-jre-headless libc6 libstdc++6 libgcc-s1 zlib1g) >>"$LOG_DIR/fetch.log" 2>&1 ||
    die "downloading Debian $suite's openjdk-21-jre-headless failed; see $LOG_DIR/fetch.log (or set APICURIO_JAVA)"
  for f in "$work"/debs/*.deb; do dpkg-deb -x "$f" "$work/root"; done
  local jre=$work/root/usr/lib/jvm/java-21-openjdk-$arch libdir
  [[ -d $jre ]] || die "unexpected layout of openjdk-21-jre-headless (no $jre); see $LOG_DIR/fetch.log"
  libdir=$(dirname "$(compgen -G "$work/root/usr/lib/*-linux-gnu/libc.so.6" | head -n1)")
  mv "$jre" "$work/jre"
  mkdir -p "$work/jre/glibc"
  cp -a "$libdir"/. "$work/jre/glibc/"
  # Replace absolute symlinks (conf/ and lib/ files Debian keeps in /etc/java-21-openjdk) by the unpacked files;
  # ones whose target only the host has (cacerts from ca-certificates-java) stay as they are.
  while IFS= read -r f; do
    target=$(readlink "$f")
    if [[ $target == /* && -e $work/root$target ]]; then
      rm -f "$f"
      cp -rL "$work/root$target" "$f"
    fi
  done < <(find "$work/jre" -type l)
  # Paths are those of the final location ($JRE21_HOME), where the directory is moved right after.
  local interp rpath
  interp=$(compgen -G "$work/jre/glibc/ld-linux*.so.*" | head -n1) || die "no dynamic loader in Debian $suite's libc6"
  interp=$JRE21_HOME/glibc/$(basename "$interp")
  rpath="$JRE21_HOME/glibc:$JRE21_HOME/lib:$JRE21_HOME/lib/server"
  while IFS= read -r f; do
    [[ $(head -c4 "$f" | tr -d '\0') == $'\x7fELF' ]] || continue
    if patchelf --print-interpreter "$f" >/dev/null 2>&1; then patchelf --set-interpreter "$interp" "$f"; fi
    patchelf --set-rpath "$rpath" "$f"
  done < <(find "$work/jre/bin" "$work/jre/lib" -type f \( -perm -u+x -o -name '*.so' \))
  rm -rf "$JRE21_HOME"
  mv "$work/jre" "$JRE21_HOME"
  rm -rf "$work"
  "$JRE21_HOME/bin/java" -version >>"$LOG_DIR/fetch.log" 2>&1 || die "the provisioned Java 21 does not run; see $LOG_DIR/fetch.log"
  touch "$JRE21_HOME/.complete"
  log "registry: Java 21 runtime ready in $(since "$t0")"
}

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------------------

# Splits a postgres:// URL into PG_USER PG_PASS PG_HOST PG_PORT PG_DB (percent-escapes in user/password decoded).
parse_pg_url() {
  local re='^postgres(ql)?://(([^:@/]*)(:([^@/]*))?@)?([^:/?]+)(:([0-9]+))?(/([^?]*))?(\?.*)?$'
  [[ $1 =~ $re ]] || die "DATABASE_URL is not a postgres:// URL: $1"
  PG_USER=$(printf '%b' "${BASH_REMATCH[3]//%/\\x}")
  PG_PASS=$(printf '%b' "${BASH_REMATCH[5]//%/\\x}")
  PG_HOST=${BASH_REMATCH[6]}
  PG_PORT=${BASH_REMATCH[8]:-5432}
  PG_DB=${BASH_REMATCH[10]:-ferry}
  PG_USER=${PG_USER:-postgres}
}

# Prints a URL with its password masked, for messages and status lines.
mask_url() { sed -E 's#(://[^:@/]*):[^@/]*@#\1:***@#' <<<"$1"; }

# Directory of the newest Debian PostgreSQL server binaries, if any.
pg_bindir() {
  local d
  d=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n1) || true
  [[ -n $d ]] && dirname "$d"
}

# psql / pg_isready from PATH, else from the server's bin directory.
pg_tool() {
  local tool=$1 dir
  if command -v "$tool" >/dev/null; then
    command -v "$tool"
  elif dir=$(pg_bindir) && [[ -x $dir/$tool ]]; then
    printf '%s\n' "$dir/$tool"
  else
    return 1
  fi
}

# Runs psql against the URL's server (on the given database), quietly, failing fast.
pg_psql() {
  local url=$1 db=$2 psql
  shift 2
  psql=$(pg_tool psql) || return 1
  parse_pg_url "$url"
  PGPASSWORD=$PG_PASS PGCONNECT_TIMEOUT=3 "$psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$db" "$@"
}

pg_answers() {
  local url=$1
  parse_pg_url "$url"
  pg_psql "$url" "$PG_DB" -Atc 'select 1' >/dev/null 2>&1 ||
    pg_psql "$url" postgres -Atc 'select 1' >/dev/null 2>&1 # the server answers even if the database is new
}

# Creates the application, test and registry databases where missing (CREATE DATABASE has no IF NOT EXISTS).
ensure_databases() {
  local url=$1 db existing
  parse_pg_url "$url"
  local wanted=("$PG_DB" "$TEST_DB" "$REGISTRY_DB")
  existing=$(pg_psql "$url" postgres -Atc 'select datname from pg_database') ||
    die "cannot list databases at $(mask_url "$url")"
  for db in "${wanted[@]}"; do
    grep -qxF -- "$db" <<<"$existing" && continue
    pg_psql "$url" postgres -c "create database \"$db\"" >/dev/null || die "cannot create database $db at $(mask_url "$url")"
    existing+=$'\n'"$db"
    log "postgres: created database $db"
  done
}

# Installs Debian's PostgreSQL when no server binaries exist (root only): a machine of another kind may lack it.
ensure_pg_binaries() {
  pg_bindir >/dev/null && return 0
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    die "no PostgreSQL answers and none is installed: install the 'postgresql' package or set DATABASE_URL"
  fi
  log "postgres: installing Debian's postgresql package"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql ||
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }; } >>"$LOG_DIR/fetch.log" 2>&1 ||
    die "installing postgresql failed; see $LOG_DIR/fetch.log"
  pg_bindir >/dev/null || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
}

# A PostgreSQL this script owns, on OWN_PG_PORT with trust auth, data in <FERRY_HOME>/pgdata. The server refuses to
# run as root, so under root it runs as the `postgres` OS user; when that user cannot reach FERRY_HOME (e.g. under
# /root, mode 700) the data lives in the postgres user's home and <FERRY_HOME>/pgdata is a symlink to it.
start_own_postgres() {
  local bindir pgdata=$FERRY_HOME/pgdata pidfile=$RUN_DIR/postgres.pid logfile=$LOG_DIR/postgres.log
  local as=() pid t0 deadline
  bindir=$(pg_bindir)
  if live_pid "$pidfile" postgres >/dev/null && port_open "$BIND_HOST" "$OWN_PG_PORT"; then
    return 0
  fi
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' user to run PostgreSQL as"
    as=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    if [[ ! -e $pgdata ]] && ! "${as[@]}" test -x "$FERRY_HOME"; then
      local home
      home=$(getent passwd postgres | cut -d: -f6)/ferry-$(printf '%s' "$FERRY_HOME" | md5sum | cut -c1-8)
      mkdir -p "$home"
      chown postgres: "$home"
      ln -s "$home/pgdata" "$pgdata"
    fi
  fi
  local real
  real=$(readlink -f "$pgdata")
  if [[ ! -f $real/PG_VERSION ]]; then
    log "postgres: initdb $pgdata (port $OWN_PG_PORT, trust auth)"
    mkdir -p "$real"
    if [[ ${#as[@]} -gt 0 ]]; then chown postgres: "$real"; fi
    (cd / && "${as[@]}" "$bindir/initdb" -D "$real" -U postgres -A trust -E UTF8) >>"$LOG_DIR/postgres-initdb.log" 2>&1 ||
      die "initdb failed; see $LOG_DIR/postgres-initdb.log"
  fi
  t0=$(now)
  # Options on the command line rather than in postgresql.conf so a changed FERRY_PG_PORT applies on next start.
  # TCP on loopback only; no Unix socket, whose default directory may not exist or not be writable here.
  spawn "$pidfile" "$logfile" / "${as[@]}" "$bindir/postgres" -D "$real" -p "$OWN_PG_PORT" \
    -c listen_addresses="$BIND_HOST" -c unix_socket_directories=
  pid=$(<"$pidfile")
  deadline=$((SECONDS + 60))
  until pg_answers "postgres://postgres@$BIND_HOST:$OWN_PG_PORT/postgres"; do
    kill -0 "$pid" 2>/dev/null || die "postgres exited during start; see $logfile"
    ((SECONDS < deadline)) || die "postgres did not answer on port $OWN_PG_PORT within 60s; see $logfile"
    sleep 0.2
  done
  log "postgres: started on $BIND_HOST:$OWN_PG_PORT in $(since "$t0") (pid $pid)"
}

# Decides which PostgreSQL Ferry uses and sets DB_URL: DATABASE_URL if set (it must answer: an explicit choice is
# never silently replaced); else the default server if it answers; else one this script owns (FERRY_OWN_PG=1
# forces that, e.g. to keep Ferry off a shared server).
resolve_postgres() {
  if [[ -n ${DATABASE_URL:-} ]]; then
    DB_URL=$DATABASE_URL
    pg_answers "$DB_URL" || die "DATABASE_URL $(mask_url "$DB_URL") does not answer; start that server or unset DATABASE_URL"
    log "postgres: using $(mask_url "$DB_URL")"
  elif [[ ${FERRY_OWN_PG:-0} != 1 ]] && pg_tool psql >/dev/null && pg_answers "$DEFAULT_DATABASE_URL"; then
    DB_URL=$DEFAULT_DATABASE_URL
    log "postgres: using $DB_URL (already running)"
  else
    ensure_pg_binaries
    start_own_postgres
    DB_URL="postgres://postgres@$BIND_HOST:$OWN_PG_PORT/ferry"
    log "postgres: using $DB_URL (owned by infra.sh)"
  fi
  ensure_databases "$DB_URL"
}

# ---------------------------------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------------------------------

# "Answers" means a real Kafka metadata round trip, not only an open port: kcat when installed (milliseconds),
# else Kafka's own TopicCommand (a JVM start, a few seconds).
# An ApiVersions v0 request over bash's /dev/tcp: a broker answers with our correlation id and error code 0.
# Needs no Kafka jars or kcat, so it also works for a FERRY_HOME that has not fetched Kafka.
# The port defaults to the single broker's; the local cluster (cluster.sh) asks each of its nodes.
kafka_answers() {
  local port=${1:-$KAFKA_PORT}
  port_open "$BIND_HOST" "$port" || return 1
  local reply
  reply=$(timeout 10 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x00\x07\x00\x04ferr" >&3
    head -c 10 <&3 | od -An -tx1 | tr -d " \n"' _ "$BIND_HOST" "$port" 2>/dev/null) || return 1
  # length (4 bytes), correlation id 7, error code 0
  [[ ${reply:8:8} == 00000007 && ${reply:16:4} == 0000 ]]
}

write_kafka_config() {
  mkdir -p "$ETC_DIR/kafka" "$DATA_DIR/kafka"
  # Regenerated at each start so port overrides apply; the data directory keeps topics and offsets across starts.
  cat >"$ETC_DIR/kafka/server.properties" <<EOF
# Generated by infra/infra.sh at each start: edits here are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$BIND_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$BIND_HOST:$KAFKA_PORT,CONTROLLER://$BIND_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$BIND_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR/kafka
# Single node: internal topics cannot be replicated.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Consumers of a fresh group start at once instead of after the default 3 s.
group.initial.rebalance.delay.ms=0
# Ferry creates its topics explicitly (kafkajs cannot subscribe to a missing topic under KRaft): a typo must fail,
# not create a stray topic.
auto.create.topics.enable=false
num.partitions=3
delete.topic.enable=true
EOF
}

# Formats the KRaft storage once (meta.properties present = formatted); the cluster id is kept beside it.
format_kafka_storage() {
  local java cluster_id
  [[ -f $DATA_DIR/kafka/meta.properties ]] && return 0
  java=$(kafka_java)
  if [[ -s $DATA_DIR/kafka-cluster-id ]]; then
    cluster_id=$(<"$DATA_DIR/kafka-cluster-id")
  else
    cluster_id=$("$java" "${KAFKA_TOOL_JVM_OPTS[@]}" -cp "$KAFKA_HOME/lib/*" kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log") ||
      die "kafka StorageTool random-uuid failed; see $LOG_DIR/kafka-format.log"
    printf '%s\n' "$cluster_id" >"$DATA_DIR/kafka-cluster-id"
  fi
  log "kafka: formatting KRaft storage in $DATA_DIR/kafka (cluster $cluster_id)"
  "$java" "${KAFKA_TOOL_JVM_OPTS[@]}" -cp "$KAFKA_HOME/lib/*" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$ETC_DIR/kafka/server.properties" --ignore-formatted >>"$LOG_DIR/kafka-format.log" 2>&1 ||
    die "formatting Kafka storage failed; see $LOG_DIR/kafka-format.log"
}

start_kafka() {
  local pidfile=$RUN_DIR/kafka.pid logfile=$LOG_DIR/kafka.log pid t0 deadline
  if kafka_answers; then
    log "kafka: $KAFKA_BOOTSTRAP answers, reusing it"
    return 0
  fi
  if ! live_pid "$pidfile" kafka.Kafka >/dev/null; then
    port_open "$BIND_HOST" "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by something that is not a Kafka broker"
    port_open "$BIND_HOST" "$KAFKA_CONTROLLER_PORT" && die "controller port $KAFKA_CONTROLLER_PORT is taken (set KAFKA_CONTROLLER_PORT)"
    fetch_kafka
    write_kafka_config
    format_kafka_storage
    t0=$(now)
    # kafka-server-start.sh's defaults (G1, short pauses), with the heap from the reference: 512 MB up to 1 GB.
    # 8 MB G1 regions: a produce request of a few thousand records (1-3 MB) is then an ordinary young
    # allocation; with the default 1 MB regions each one is "humongous", allocated straight into the old
    # generation, and the concurrent collector ran more than the request handlers did.
    spawn "$pidfile" "$logfile" "$DATA_DIR" "$(kafka_java)" -Xms512m -Xmx1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:G1HeapRegionSize=8m \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
      "-Dlog4j.configuration=file:$INFRA_DIR/kafka/log4j.properties" "-Dkafka.logs.dir=$LOG_DIR" \
      -cp "$KAFKA_HOME/lib/*" kafka.Kafka "$ETC_DIR/kafka/server.properties"
  else
    t0=$(now) # started earlier by us (e.g. a concurrent or interrupted `up`) and still coming up: wait for it
  fi
  pid=$(<"$pidfile")
  deadline=$((SECONDS + START_TIMEOUT))
  # Ready = the broker logged that it started AND answers a metadata request.
  until grep -q 'Kafka Server started' "$logfile" 2>/dev/null && kafka_answers; do
    kill -0 "$pid" 2>/dev/null || die "kafka exited during start; see $logfile"
    ((SECONDS < deadline)) || die "kafka did not answer on $KAFKA_BOOTSTRAP within ${START_TIMEOUT}s; see $logfile"
    sleep 0.3
  done
  log "kafka: started on $KAFKA_BOOTSTRAP in $(since "$t0") (pid $pid, RSS $(rss_of "$pid"))"
}

rss_of() { awk '/^VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# ---------------------------------------------------------------------------------------------------------------
# Apicurio Registry
# ---------------------------------------------------------------------------------------------------------------

registry_answers() { [[ $(http_code "$SCHEMA_REGISTRY_URL_VALUE/subjects") == 200 ]]; }

start_registry() {
  local db_url=$1 pidfile=$RUN_DIR/apicurio.pid logfile=$LOG_DIR/apicurio.log pid t0 deadline
  if registry_answers; then
    log "registry: $SCHEMA_REGISTRY_URL_VALUE answers, reusing it"
    return 0
  fi
  if ! live_pid "$pidfile" quarkus-run.jar >/dev/null; then
    port_open "$BIND_HOST" "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by something that is not the registry"
    port_open "$BIND_HOST" "$REGISTRY_MANAGEMENT_PORT" &&
      die "registry management port $REGISTRY_MANAGEMENT_PORT is taken (set REGISTRY_MANAGEMENT_PORT)"
    fetch_apicurio
    resolve_apicurio_java
    parse_pg_url "$db_url"
    local password_env=()
    if [[ -n $PG_PASS ]]; then password_env=(APICURIO_DATASOURCE_PASSWORD="$PG_PASS"); fi
    mkdir -p "$DATA_DIR/apicurio"
    t0=$(now)
    # Names checked against the 3.3.3 app's application.properties (apicurio.storage.*, apicurio.datasource.*)
    # and its start log ("Using postgresql SQL storage."). SQL storage in PostgreSQL, not the default in-memory
    # H2, so schema ids survive restarts as Kafka's data does (ids baked into records must stay resolvable).
    # The pool defaults (20 initial/min, 100 max) are sized for production; 2/2/10 is plenty here.
    # The password is only set when the URL has one (an empty value would fall back to Apicurio's default "sa").
    spawn "$pidfile" "$logfile" "$DATA_DIR/apicurio" env \
      QUARKUS_HTTP_HOST="$BIND_HOST" QUARKUS_HTTP_PORT="$REGISTRY_PORT" \
      QUARKUS_MANAGEMENT_HOST="$BIND_HOST" QUARKUS_MANAGEMENT_PORT="$REGISTRY_MANAGEMENT_PORT" \
      APICURIO_STORAGE_KIND=sql APICURIO_STORAGE_SQL_KIND=postgresql \
      APICURIO_DATASOURCE_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$REGISTRY_DB" \
      APICURIO_DATASOURCE_USERNAME="$PG_USER" "${password_env[@]}" \
      APICURIO_DATASOURCE_JDBC_INITIAL_SIZE=2 APICURIO_DATASOURCE_JDBC_MIN_SIZE=2 APICURIO_DATASOURCE_JDBC_MAX_SIZE=10 \
      "$APICURIO_JAVA_BIN" -Xmx512m -Djava.awt.headless=true -jar "$APICURIO_HOME/quarkus-run.jar"
  else
    t0=$(now)
  fi
  pid=$(<"$pidfile")
  deadline=$((SECONDS + START_TIMEOUT))
  until registry_answers; do
    kill -0 "$pid" 2>/dev/null || die "registry exited during start; see $logfile"
    ((SECONDS < deadline)) || die "registry did not answer on $SCHEMA_REGISTRY_URL_VALUE within ${START_TIMEOUT}s; see $logfile"
    sleep 0.3
  done
  log "registry: started on $REGISTRY_BASE_URL in $(since "$t0") (pid $pid, RSS $(rss_of "$pid"))"
}

# ---------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------

# Written atomically: the app reads it as defaults at any moment (environment variables still win).
write_env_file() {
  local db_url=$1 tmp
  tmp=$(mktemp "$FERRY_HOME/.infra.env.XXXXXX")
  cat >"$tmp" <<EOF
# Written by infra/infra.sh up: endpoints of the local infrastructure. Ferry reads these as defaults.
DATABASE_URL=$db_url
KAFKA_BROKERS=$KAFKA_BOOTSTRAP
SCHEMA_REGISTRY_URL=$SCHEMA_REGISTRY_URL_VALUE
EOF
  mv -f "$tmp" "$ENV_FILE"
}

# Serialises up/down of one FERRY_HOME (two jest runs, or CI and a developer) without blocking status.
take_lock() {
  exec 9>"$RUN_DIR/infra.lock"
  flock -w 600 9 || die "another infra.sh holds $RUN_DIR/infra.lock"
}

cmd_up() {
  local t0
  t0=$(now)
  command -v curl >/dev/null || die "curl is needed to check the registry"
  take_lock
  resolve_postgres
  start_kafka
  start_registry "$DB_URL"
  write_env_file "$DB_URL"
  log "up in $(since "$t0"); endpoints in $ENV_FILE"
}

cmd_down() {
  take_lock
  stop_pidfile registry "$RUN_DIR/apicurio.pid" quarkus-run.jar TERM
  stop_pidfile kafka "$RUN_DIR/kafka.pid" kafka.Kafka TERM
  # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client to disconnect.
  stop_pidfile postgres "$RUN_DIR/postgres.pid" postgres INT
}

# " (pid N, started by infra.sh)" when the pid file names a live process of ours, else nothing.
owned_by_us() {
  local pid
  if pid=$(live_pid "$1" "$2"); then printf ' (pid %s, started by infra.sh)' "$pid"; fi
}

cmd_status() {
  local ok=0 db_url state
  # Which PostgreSQL: the environment's, else the one `up` resolved, else ours if it runs, else the default.
  db_url=${DATABASE_URL:-}
  if [[ -z $db_url && -f $ENV_FILE ]]; then db_url=$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n1); fi
  if [[ -z $db_url ]] && live_pid "$RUN_DIR/postgres.pid" postgres >/dev/null; then
    db_url="postgres://postgres@$BIND_HOST:$OWN_PG_PORT/ferry"
  fi
  db_url=${db_url:-$DEFAULT_DATABASE_URL}

  if kafka_answers; then state=up; else state=DOWN ok=1; fi
  printf '%-9s %-46s %s%s\n' kafka "$KAFKA_BOOTSTRAP" "$state" "$(owned_by_us "$RUN_DIR/kafka.pid" kafka.Kafka)"
  if registry_answers; then state=up; else state=DOWN ok=1; fi
  printf '%-9s %-46s %s%s\n' registry "$SCHEMA_REGISTRY_URL_VALUE" "$state" "$(owned_by_us "$RUN_DIR/apicurio.pid" quarkus-run.jar)"
  if pg_answers "$db_url"; then state=up; else state=DOWN ok=1; fi
  printf '%-9s %-46s %s%s\n' postgres "$(mask_url "$db_url")" "$state" "$(owned_by_us "$RUN_DIR/postgres.pid" postgres)"
  return "$ok"
}

# shellcheck source-path=SCRIPTDIR source=cluster.sh
source "$INFRA_DIR/cluster.sh"

main() {
  mkdir -p "$CACHE_DIR" "$LOG_DIR" "$RUN_DIR" "$DATA_DIR" "$ETC_DIR"
  case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  cluster)
    shift
    cmd_cluster "$@"
    ;;
  *)
    echo "usage: $0 up|down|status|cluster up|down|status|env|kill-broker N|start-broker N" >&2
    exit 2
    ;;
  esac
}

# Sourcing (tests of single functions) defines everything without running a command.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
