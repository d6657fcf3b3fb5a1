# Multi-stage build: a static binary on a distroless base (~25 MB image).
#
# Every outside source is a build argument, so that the image builds on a
# network that reaches neither Docker Hub, gcr.io nor the public Go proxy
# (a Chinese public-security network, say):
#
#   docker build \
#     --build-arg GO_IMAGE=registry.example.cn/library/golang:1.26 \
#     --build-arg BASE_IMAGE=registry.example.cn/distroless/static-debian12:nonroot \
#     --build-arg GOPROXY=https://goproxy.cn,direct \
#     --build-arg GOSUMDB=sum.golang.google.cn \
#     -t sharpeyes .
#
# No Debian package is installed in either stage, so no Debian mirror is
# needed. With GOPROXY=off and a vendor/ directory (go mod vendor) the
# build needs no module proxy at all.
ARG GO_IMAGE=golang:1.26
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
ARG GOPROXY=https://proxy.golang.org,direct
ARG GOSUMDB=sum.golang.org
ENV GOPROXY=${GOPROXY} GOSUMDB=${GOSUMDB} CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN if [ -d vendor ]; then :; else go mod download; fi
COPY . .
ARG VERSION=dev
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/sharpeyes ./cmd/sharpeyes

FROM ${BASE_IMAGE}
COPY --from=build /out/sharpeyes /usr/local/bin/sharpeyes
COPY examples/sharpeyes.yml /etc/sharpeyes/sharpeyes.yml
EXPOSE 8080
USER nonroot:nonroot
# distroless has no shell or curl: the binary checks itself (GET /readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/sharpeyes", "healthcheck", "--url", "http://127.0.0.1:8080"]
ENTRYPOINT ["/usr/local/bin/sharpeyes"]
CMD ["serve", "--config", "/etc/sharpeyes/sharpeyes.yml", "--listen", "0.0.0.0:8080"]
