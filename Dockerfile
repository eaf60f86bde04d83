# The one Revenant image: the subcommand picks the role (streams, crawl, registry load, snapshot …).
# It packages the jar the build made, so build that first:
#   mvn -B -q package -DskipTests        (or ./revenant --version)
#   docker build -t revenant:local .
# BASE_IMAGE is any image with a Java 17+ runtime and bash; docker/build-images.sh makes one
# (revenant/jre:17) where eclipse-temurin cannot be pulled.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

RUN groupadd --system --gid 10001 revenant \
 && useradd --system --uid 10001 --gid revenant --home-dir /var/lib/revenant --create-home --shell /bin/bash revenant \
 && mkdir -p /var/lib/revenant/streams && chown revenant:revenant /var/lib/revenant/streams

COPY docker/revenant/revenant /usr/local/bin/revenant
COPY cli/target/revenant.jar /opt/revenant/revenant.jar

USER revenant
WORKDIR /var/lib/revenant
ENV JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/revenant"]
CMD ["--help"]
