/* Reference subscriber: libmosquitto, counts messages on a topic and reports messages/s
 * from the first to the last message. Exits after N messages or 3 s of silence.
 * usage: ref_sub host port qos count ready_file
 *
 * MQTT 5 with Receive Maximum 65535, like our subscriber. The loop runs with max_packets 1
 * (what mosquitto_loop_forever uses): libmosquitto 2.0 sizes reads itself and calls its write
 * routine max_packets times per loop, so 1000 there spent most of the CPU on empty mutex
 * round trips. PUBACKs leave as the library sends them (one send per message). */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long target, received;
static double first, last;
static const char *ready_file;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static void on_subscribe(struct mosquitto *m, void *u, int mid, int n, const int *q) {
    (void)m; (void)u; (void)mid; (void)n; (void)q;
    FILE *f = fopen(ready_file, "w"); if (f) fclose(f);
}

static void on_message(struct mosquitto *m, void *u, const struct mosquitto_message *msg) {
    (void)u; (void)msg;
    last = now();
    if (received++ == 0) first = last;
    if (received >= target) mosquitto_disconnect(m);
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: ref_sub host port qos count ready_file\n"); return 2; }
    int qos = atoi(argv[3]); target = atol(argv[4]); ready_file = argv[5];
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new("ref-sub", true, NULL);
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, 65535);
    mosquitto_subscribe_callback_set(m, on_subscribe);
    mosquitto_message_callback_set(m, on_message);
    if (mosquitto_connect(m, argv[1], atoi(argv[2]), 60) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "connect failed\n"); return 1; }
    mosquitto_subscribe(m, NULL, "bench/#", qos);
    double idle_since = now();
    long seen = 0;
    while (received < target) {
        int rc = mosquitto_loop(m, 100, 1);
        if (rc != MOSQ_ERR_SUCCESS && received < target) { if (rc == MOSQ_ERR_NO_CONN) break; mosquitto_reconnect(m); }
        if (received != seen) { seen = received; idle_since = now(); }
        else if (received > 0 && now() - idle_since > 3) break;
    }
    double secs = last - first;
    printf("{\"received\":%ld,\"seconds\":%.4f,\"rate\":%.0f}\n", received, secs, secs > 0 ? (received - 1) / secs : 0);
    mosquitto_destroy(m); mosquitto_lib_cleanup();
    return 0;
}
