#!/usr/bin/env bash
# Builds, with no container registry at all, the images Revenant's compose file and Testcontainers
# tier need where Docker Hub cannot be reached:
#
#   revenant/jre:17            minimal Debian bookworm + OpenJDK 17 JRE (debootstrap, docker import)
#   revenant/kafka:<version>   Apache Kafka on it, jars resolved by Maven; runs like apache/kafka
#
# Then use them in place of the pulled ones:
#   export KAFKA_IMAGE=revenant/kafka:<version> REVENANT_BASE_IMAGE=revenant/jre:17
#
# Needs root (debootstrap), a running Docker engine, Maven, and a Debian mirror
# (DEBIAN_MIRROR, default http://deb.debian.org/debian). Images that exist are kept; --force
# rebuilds them.
set -euo pipefail
cd "$(dirname "$0")/.."

force=false
if [[ "${1-}" == "--force" ]]; then
    force=true
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--force]" >&2
    exit 2
fi

kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml | head -n 1)
jre_image=${REVENANT_BASE_IMAGE:-revenant/jre:17}
kafka_image=revenant/kafka:${kafka_version}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

have_image() {
    docker image inspect "$1" >/dev/null 2>&1
}

if $force || ! have_image "$jre_image"; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "build-images: debootstrap needs root" >&2
        exit 1
    fi
    command -v debootstrap >/dev/null || { echo "build-images: install debootstrap (apt-get install -y debootstrap)" >&2; exit 1; }
    rootfs=$(mktemp -d "${TMPDIR:-/tmp}/revenant-rootfs.XXXXXX")
    chmod 755 "$rootfs"   # it becomes the image's /, which every user must traverse
    trap 'rm -rf "$rootfs"' EXIT
    echo "build-images: debootstrapping Debian bookworm with a JRE into $rootfs ..."
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates-java \
        bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
        || { tail -n 30 "$rootfs.log" >&2; exit 1; }
    rm -f "$rootfs.log"
    # What a runtime image does not need: package lists, caches, documentation.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
    java_home=$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")
    java_home=${java_home#"$rootfs"}
    echo "build-images: importing $jre_image (JAVA_HOME $java_home) ..."
    tar -C "$rootfs" -c . | docker import \
        --change "ENV JAVA_HOME=$java_home" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["bash"]' \
        - "$jre_image" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
else
    echo "build-images: $jre_image exists"
fi

if $force || ! have_image "$kafka_image"; then
    echo "build-images: resolving the Kafka ${kafka_version} jars with Maven ..."
    rm -rf docker/kafka/target/libs
    mvn -B -q -f docker/kafka/pom.xml dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=target/libs
    echo "build-images: building $kafka_image ..."
    docker build -q --build-arg "BASE_IMAGE=$jre_image" -t "$kafka_image" docker/kafka >/dev/null
else
    echo "build-images: $kafka_image exists"
fi

echo "build-images: ready. Use them with:"
echo "  export KAFKA_IMAGE=$kafka_image REVENANT_BASE_IMAGE=$jre_image"
