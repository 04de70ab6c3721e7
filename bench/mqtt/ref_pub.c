/* Reference publisher: libmosquitto, N messages of a given size and QoS as fast as the
 * library can send them. usage: ref_pub host port qos count payload_bytes
 *
 * Event-driven on one thread (the library's own loop): on CONNACK it queues a window of
 * publications; each on_publish (QoS 0: written to the socket; QoS 1: PUBACK received) queues
 * the next. Publishing from a callback only queues, so the loop writes many packets per
 * wake-up with no cross-thread hand-off. The window matters: libmosquitto 2.0 walks its whole
 * outgoing list on every PUBACK, so queuing all N at once (what this program used to do) is
 * quadratic and stalled QoS 1 runs after ~40k messages, and a wide window costs CPU the broker
 * and subscriber need (measured here: 256 beats 64, 1024, 2048 and 4096). The window also
 * keeps packet ids (16 bits) unique. MQTT 5, like our client. It disconnects only after the
 * last on_publish, so nothing is lost in flight. */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WINDOW
#define WINDOW 256 /* best of 64..4096 measured here: libmosquitto walks the window on every PUBACK */
#endif

static long count, sent, done;
static int qos, size, failed;
static char *payload;

static void pump(struct mosquitto *m) {
    while (sent < count && sent - done < WINDOW) {
        int rc = mosquitto_publish(m, NULL, "bench/dev/up", size, payload, qos, false);
        if (rc != MOSQ_ERR_SUCCESS) { fprintf(stderr, "publish failed: %s\n", mosquitto_strerror(rc)); failed = 1; mosquitto_disconnect(m); return; }
        sent++;
    }
}

static void on_connect(struct mosquitto *m, void *u, int rc) {
    (void)u;
    if (rc != 0) { fprintf(stderr, "connect refused: %s\n", mosquitto_connack_string(rc)); failed = 1; mosquitto_disconnect(m); return; }
    pump(m);
}

static void on_publish(struct mosquitto *m, void *u, int mid) {
    (void)u; (void)mid;
    if (++done >= count) { mosquitto_disconnect(m); return; }
    pump(m);
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: ref_pub host port qos count payload_bytes\n"); return 2; }
    qos = atoi(argv[3]); count = atol(argv[4]); size = atoi(argv[5]);
    payload = malloc(size > 0 ? size : 1); memset(payload, 'x', size);
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new("ref-pub", true, NULL);
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_max_inflight_messages_set(m, 0); /* our own window above is the limit */
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_publish_callback_set(m, on_publish);
    if (count <= 0) return 0;
    if (mosquitto_connect(m, argv[1], atoi(argv[2]), 60) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "connect failed\n"); return 1; }
    int rc = mosquitto_loop_forever(m, 1000, 1);
    if (done < count) { fprintf(stderr, "stopped after %ld of %ld (%s)\n", done, count, mosquitto_strerror(rc)); failed = 1; }
    mosquitto_destroy(m); mosquitto_lib_cleanup(); free(payload);
    return failed;
}
