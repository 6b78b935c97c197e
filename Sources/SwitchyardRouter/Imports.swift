import Hummingbird
import AsyncHTTPClient
import Prometheus
import Atomics
