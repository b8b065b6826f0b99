# syntax=docker/dockerfile:1
# The ecsctl image, for CI systems other than GitHub Actions (docs/install.md, "Container image";
# examples/ci/gitlab-ci.yml). The release workflow builds it for linux/amd64 and linux/arm64 from
# the release archives' static (musl) binaries and pushes ghcr.io/ecsctl/ecsctl:VERSION:
#
#   scripts/release image-context dist     # dist/image/{amd64,arm64}/ecsctl from the archives
#   docker buildx build --platform linux/amd64,linux/arm64 -f Dockerfile dist/image
#
# Alpine rather than distroless or scratch: GitLab CI (and most CI runners) run a job's script
# with the image's shell, and ecsctl's HTTPS client reads the system's CA bundle
# (/etc/ssl/certs/ca-certificates.crt, which Alpine's base image carries). Nothing is compiled
# here; the binary is the one the archive of the same release holds, checksums and all.

# The user is made on the build machine's own platform, so building the arm64 image needs no
# emulator: only its passwd, group and home directory are copied into the image.
FROM --platform=$BUILDPLATFORM alpine:3.22 AS user
RUN adduser -D -u 10001 -h /home/ecsctl -s /bin/sh ecsctl

FROM alpine:3.22
ARG TARGETARCH
COPY --from=user /etc/passwd /etc/group /etc/
COPY --from=user --chown=10001:10001 /home/ecsctl /home/ecsctl
COPY --chmod=0755 ${TARGETARCH}/ecsctl /usr/local/bin/ecsctl
USER 10001:10001
ENV HOME=/home/ecsctl
WORKDIR /home/ecsctl
ENTRYPOINT ["/usr/local/bin/ecsctl"]
CMD ["--help"]
