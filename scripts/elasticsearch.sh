#!/usr/bin/env bash
# A real single-node Elasticsearch for developers and CI: start | stop | status | url | install.
#
# The node is the "integ-test-zip" distribution from Maven Central (the only Elasticsearch build published
# there). It runs on Java 17, but it is minimal: it lacks the `analysis-common` module, hence the `elision`,
# `asciifolding` and `stemmer` token filters the French analyzer needs. The install step therefore compiles a
# tiny stable-API analysis plugin (source below, ~80 lines) that registers those three filters under their
# usual names and settings, backed by the very Lucene classes analysis-common uses. Index settings written for
# a full Elasticsearch thus work unchanged on this node.
#
# Environment (all optional):
#   BASSIN_ES_VERSION        integ-test-zip version                     (8.19.21)
#   BASSIN_ES_PORT           HTTP port on 127.0.0.1                     (9200)
#   BASSIN_ES_HEAP           JVM heap, e.g. 512m or 1g                  (512m)
#   BASSIN_ES_START_TIMEOUT  seconds to wait for yellow/green health    (180)
#   BASSIN_CACHE             cache root, outside the repo   (${XDG_CACHE_HOME:-$HOME/.cache}/bassin;
#                                                             /var/cache/bassin when run as root)
#   ES_JAVA_HOME             Java 17+ JDK (javac needed once)  (JAVA_HOME, else the `java` on PATH)
#   BASSIN_MAVEN_REPO        Maven local repository for the download   (Maven's own default, ~/.m2/repository)
#   BASSIN_ES_USER           unprivileged user that runs the node when invoked as root (nobody);
#                            Elasticsearch refuses to run as root.
set -euo pipefail

ES_VERSION="${BASSIN_ES_VERSION:-8.19.21}"
PORT="${BASSIN_ES_PORT:-9200}"
HEAP="${BASSIN_ES_HEAP:-512m}"
START_TIMEOUT="${BASSIN_ES_START_TIMEOUT:-180}"
RUN_USER="${BASSIN_ES_USER:-nobody}"
if [[ "$(id -u)" == 0 ]]; then
  CACHE="${BASSIN_CACHE:-/var/cache/bassin}"
else
  CACHE="${BASSIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bassin}"
fi
HOME_DIR="$CACHE/elasticsearch-$ES_VERSION"
NODE_DIR="$CACHE/elasticsearch-$ES_VERSION-node-$PORT"
PID_FILE="$NODE_DIR/elasticsearch.pid"
URL="http://127.0.0.1:$PORT"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"

log() { echo "elasticsearch.sh: $*" >&2; }
die() {
  log "ERREUR / ERROR: $*"
  exit 1
}

need() { command -v "$1" >/dev/null 2>&1 || die "commande manquante / missing command: $1 ($2)"; }

java_home() {
  local home="${ES_JAVA_HOME:-${JAVA_HOME:-}}"
  if [[ -z "$home" ]]; then
    need java "apt-get install -y openjdk-17-jdk-headless"
    home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  [[ -x "$home/bin/java" ]] || die "pas de Java dans $home / no java in $home (set ES_JAVA_HOME)"
  local major
  major="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [[ "${major%%.*}" -ge 17 ]] 2>/dev/null || die "Elasticsearch $ES_VERSION demande Java 17+, trouvé / found: $major ($home)"
  echo "$home"
}

as_runner() {
  if [[ "$(id -u)" == 0 ]]; then
    setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --clear-groups -- "$@"
  else
    "$@"
  fi
}

http_get() { curl -fsS --max-time "${2:-5}" "$URL$1" 2>/dev/null; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a recycled pid is not our node
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "org.elasticsearch" || return 1
  echo "$pid"
}

# The analysis plugin: elision / asciifolding / stemmer(light_french, minimal_french, french) through the
# stable plugin API, so it loads on any 8.x node without being rebuilt per version.
write_plugin_sources() {
  local src="$1/src/org/bassin/es/analysis"
  mkdir -p "$src"
  cat >"$src/FilterSettings.java" <<'JAVA'
package org.bassin.es.analysis;

import java.util.List;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;
import org.elasticsearch.plugin.settings.StringSetting;

@AnalysisSettings
public interface FilterSettings {
    @ListSetting(path = "articles")
    List<String> articles();

    @BooleanSetting(path = "articles_case", defaultValue = false)
    boolean articlesCase();

    @BooleanSetting(path = "preserve_original", defaultValue = false)
    boolean preserveOriginal();

    @StringSetting(path = "language", defaultValue = "light_french")
    String language();
}
JAVA
  cat >"$src/ElisionFactory.java" <<'JAVA'
package org.bassin.es.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

@NamedComponent("elision")
public class ElisionFactory implements TokenFilterFactory {
    private final CharArraySet articles;

    @Inject
    public ElisionFactory(FilterSettings settings) {
        articles = settings.articles().isEmpty()
            ? FrenchAnalyzer.DEFAULT_ARTICLES
            : new CharArraySet(settings.articles(), settings.articlesCase());
    }

    @Override
    public TokenStream create(TokenStream in) {
        return new ElisionFilter(in, articles);
    }

    @Override
    public TokenStream normalize(TokenStream in) {
        return create(in);
    }
}
JAVA
  cat >"$src/AsciiFoldingFactory.java" <<'JAVA'
package org.bassin.es.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

@NamedComponent("asciifolding")
public class AsciiFoldingFactory implements TokenFilterFactory {
    private final boolean preserveOriginal;

    @Inject
    public AsciiFoldingFactory(FilterSettings settings) {
        preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream in) {
        return new ASCIIFoldingFilter(in, preserveOriginal);
    }

    @Override
    public TokenStream normalize(TokenStream in) {
        return new ASCIIFoldingFilter(in, false);
    }
}
JAVA
  cat >"$src/StemmerFactory.java" <<'JAVA'
package org.bassin.es.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.tartarus.snowball.ext.FrenchStemmer;

@NamedComponent("stemmer")
public class StemmerFactory implements TokenFilterFactory {
    private final String language;

    @Inject
    public StemmerFactory(FilterSettings settings) {
        language = settings.language();
        if (!language.equals("light_french") && !language.equals("minimal_french") && !language.equals("french")) {
            throw new IllegalArgumentException(
                "stemmer language [" + language + "] not provided by bassin-analysis-french "
                    + "(light_french, minimal_french, french)"
            );
        }
    }

    @Override
    public TokenStream create(TokenStream in) {
        switch (language) {
            case "light_french":
                return new FrenchLightStemFilter(in);
            case "minimal_french":
                return new FrenchMinimalStemFilter(in);
            default:
                return new SnowballFilter(in, new FrenchStemmer());
        }
    }
}
JAVA
  cat >"$1/stable-plugin-descriptor.properties" <<PROPS
description=elision, asciifolding and French stemmer token filters for the integ-test Elasticsearch distribution
version=1.0.0
name=bassin-analysis-french
java.version=17
elasticsearch.version=$ES_VERSION
PROPS
}

install_plugin() {
  local jhome="$1" build="$CACHE/build/bassin-analysis-french-$ES_VERSION"
  rm -rf "$build" && mkdir -p "$build/classes" "$build/zip"
  write_plugin_sources "$build"
  local cp
  cp="$(find "$HOME_DIR/lib" -maxdepth 1 \( -name 'elasticsearch-plugin-api-*.jar' -o \
    -name 'elasticsearch-plugin-analysis-api-*.jar' -o -name 'lucene-core-*.jar' -o \
    -name 'lucene-analysis-common-*.jar' \) | tr '\n' ':')"
  [[ -x "$jhome/bin/javac" ]] || die "javac absent de $jhome : un JDK est nécessaire / a JDK is needed (apt-get install -y openjdk-17-jdk-headless)"
  "$jhome/bin/javac" --release 17 -nowarn -cp "$cp" -d "$build/classes" "$build"/src/org/bassin/es/analysis/*.java
  "$jhome/bin/jar" --create --file "$build/zip/bassin-analysis-french.jar" -C "$build/classes" .
  cp "$build/stable-plugin-descriptor.properties" "$build/zip/"
  (cd "$build/zip" && "$jhome/bin/jar" --create --no-manifest --file "$build/bassin-analysis-french.zip" .)
  # The installer scans every jar of lib/ for named components: its default 64 MB heap is too small.
  ES_JAVA_HOME="$jhome" CLI_JAVA_OPTS="-Xmx512m" "$HOME_DIR/bin/elasticsearch-plugin" install --batch \
    --silent "file://$build/bassin-analysis-french.zip" >&2 ||
    die "échec de l'installation du plugin d'analyse / analysis plugin install failed"
  rm -rf "$build"
}

cmd_install() {
  need curl "apt-get install -y curl"
  need unzip "apt-get install -y unzip"
  local jhome
  jhome="$(java_home)"
  [[ -f "$HOME_DIR/.bassin-ready" ]] && return 0
  need mvn "apt-get install -y maven"
  mkdir -p "$CACHE/downloads"
  local zip="$CACHE/downloads/elasticsearch-$ES_VERSION.zip"
  if [[ ! -f "$zip" ]]; then
    log "téléchargement / downloading $ARTIFACT (~110 MB)"
    local repo=()
    [[ -n "${BASSIN_MAVEN_REPO:-}" ]] && repo=(-Dmaven.repo.local="$BASSIN_MAVEN_REPO")
    if ! (cd "$CACHE" && mvn -B -q -Dstyle.color=never "${repo[@]}" dependency:copy -Dartifact="$ARTIFACT" \
      -DoutputDirectory="$CACHE/downloads") >"$CACHE/downloads/mvn.log" 2>&1; then
      cat "$CACHE/downloads/mvn.log" >&2
      die "échec du téléchargement / download failed: mvn dependency:copy -Dartifact=$ARTIFACT"
    fi
  fi
  local tmp="$CACHE/.unpack-$$"
  rm -rf "$tmp" "$HOME_DIR" && mkdir -p "$tmp"
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/elasticsearch-$ES_VERSION" "$HOME_DIR" && rm -rf "$tmp"
  install_plugin "$jhome"
  rm -f "$zip"
  touch "$HOME_DIR/.bassin-ready"
}

prepare_node_dir() {
  mkdir -p "$NODE_DIR/data" "$NODE_DIR/logs" "$NODE_DIR/tmp"
  if [[ ! -d "$NODE_DIR/config" ]]; then
    cp -r "$HOME_DIR/config" "$NODE_DIR/config"
  fi
  cat >"$NODE_DIR/config/elasticsearch.yml" <<YAML
# Written by scripts/elasticsearch.sh: a throwaway single node for tests and development.
cluster.name: bassin-dev
node.name: bassin-dev-$PORT
discovery.type: single-node
network.host: 127.0.0.1
http.port: $PORT
path.data: $NODE_DIR/data
path.logs: $NODE_DIR/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: true
YAML
  printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$NODE_DIR/config/jvm.options.d/bassin-heap.options"
  if [[ "$(id -u)" == 0 ]]; then
    chown -R "$RUN_USER:$(id -g "$RUN_USER")" "$NODE_DIR"
    as_runner test -r "$HOME_DIR/bin/elasticsearch" ||
      die "l'utilisateur $RUN_USER ne peut pas lire $HOME_DIR (choisissez BASSIN_CACHE hors de /root) / $RUN_USER cannot read $HOME_DIR"
  fi
}

wait_healthy() {
  local deadline=$((SECONDS + START_TIMEOUT)) health
  while ((SECONDS < deadline)); do
    health="$(http_get "/_cluster/health?wait_for_status=yellow&timeout=5s" 10 || true)"
    if [[ "$health" == *'"status":"green"'* || "$health" == *'"status":"yellow"'* ]]; then
      return 0
    fi
    running_pid >/dev/null || return 1
    sleep 1
  done
  return 1
}

cmd_start() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/elasticsearch-$ES_VERSION.lock"
  flock 9 # concurrent starts (parallel test sessions): the second one finds the node running
  if running_pid >/dev/null; then
    wait_healthy || die "le nœud (pid $(running_pid)) ne répond pas sur $URL / node not healthy; see $NODE_DIR/logs"
    echo "$URL"
    return 0
  fi
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/" || true)" != 000 ]]; then
    die "le port $PORT est déjà pris par un autre service / port $PORT is taken (set BASSIN_ES_PORT)"
  fi
  cmd_install
  local jhome
  jhome="$(java_home)"
  prepare_node_dir
  log "démarrage / starting Elasticsearch $ES_VERSION on $URL (heap $HEAP, Java $jhome)"
  if ! as_runner env ES_JAVA_HOME="$jhome" ES_PATH_CONF="$NODE_DIR/config" ES_TMPDIR="$NODE_DIR/tmp" \
    "$HOME_DIR/bin/elasticsearch" -d -p "$PID_FILE" >"$NODE_DIR/logs/startup.out" 2>&1; then
    tail -n 40 "$NODE_DIR/logs/startup.out" >&2
    die "Elasticsearch n'a pas démarré / failed to start; logs: $NODE_DIR/logs"
  fi
  if ! wait_healthy; then
    tail -n 40 "$NODE_DIR/logs/bassin-dev.log" >&2 2>/dev/null || true
    die "Elasticsearch n'est pas prêt après ${START_TIMEOUT}s / not healthy after ${START_TIMEOUT}s; logs: $NODE_DIR/logs"
  fi
  echo "$URL"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "déjà arrêté / not running ($URL)"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "arrêt forcé / killing $pid"
    kill -KILL "$pid"
  fi
  rm -f "$PID_FILE"
  log "arrêté / stopped ($URL)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    local health
    health="$(http_get "/_cluster/health" || echo '{"status":"unreachable"}')"
    echo "running pid=$pid url=$URL health=$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$health")"
    return 0
  fi
  echo "stopped url=$URL"
  return 3
}

cmd_url() {
  echo "$URL"
  running_pid >/dev/null
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  install)
    mkdir -p "$CACHE"
    exec 9>"$CACHE/elasticsearch-$ES_VERSION.lock"
    flock 9
    cmd_install
    echo "$HOME_DIR"
    ;;
  *)
    echo "usage: $0 start|stop|status|url|install" >&2
    exit 2
    ;;
esac
