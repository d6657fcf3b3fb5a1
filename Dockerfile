# Multi-stage build: a static binary on a distroless base (~25 MB image).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/sharpeyes ./cmd/sharpeyes

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sharpeyes /usr/local/bin/sharpeyes
COPY examples/sharpeyes.yml /etc/sharpeyes/sharpeyes.yml
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/sharpeyes"]
CMD ["serve", "--config", "/etc/sharpeyes/sharpeyes.yml", "--listen", "0.0.0.0:8080"]
