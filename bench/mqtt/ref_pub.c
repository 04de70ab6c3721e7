/* Reference publisher: libmosquitto, N messages of a given size and QoS as fast as the
 * library lets it, no in-flight limit. usage: ref_pub host port qos count payload_bytes */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long acked;

static void on_publish(struct mosquitto *m, void *u, int mid) { (void)m; (void)u; (void)mid; __atomic_add_fetch(&acked, 1, __ATOMIC_RELAXED); }

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: ref_pub host port qos count payload_bytes\n"); return 2; }
    int qos = atoi(argv[3]); long count = atol(argv[4]); int size = atoi(argv[5]);
    char *payload = malloc(size); memset(payload, 'x', size);
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new("ref-pub", true, NULL);
    mosquitto_max_inflight_messages_set(m, 0);
    mosquitto_publish_callback_set(m, on_publish);
    if (mosquitto_connect(m, argv[1], atoi(argv[2]), 60) != MOSQ_ERR_SUCCESS) { fprintf(stderr, "connect failed\n"); return 1; }
    /* The library's own network thread writes while this thread queues. */
    mosquitto_loop_start(m);
    for (long i = 0; i < count; i++) {
        int rc = mosquitto_publish(m, NULL, "bench/dev/up", size, payload, qos, false);
        if (rc != MOSQ_ERR_SUCCESS) { fprintf(stderr, "publish failed %d\n", rc); return 1; }
    }
    while (qos > 0 && __atomic_load_n(&acked, __ATOMIC_RELAXED) < count) { struct timespec t = {0, 1000000}; nanosleep(&t, NULL); }
    if (qos == 0) { struct timespec t = {1, 0}; nanosleep(&t, NULL); }
    mosquitto_disconnect(m); mosquitto_loop_stop(m, false);
    mosquitto_destroy(m); mosquitto_lib_cleanup(); free(payload);
    return 0;
}
