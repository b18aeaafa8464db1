// The kernel's heartbeat: a native thread that echoes every ping on the heartbeat socket
// as is (REQ and DEALER clients alike), loaded by the main thread (kernel/heartbeat.ts).
// It was a Node worker running zeromq.js: 7.5 MiB of the kernel's resident memory for a
// V8 isolate that only echoes. This is one thread with its own zeromq
// context (so a flood on the kernel's other sockets, served by zeromq.js's I/O thread,
// never delays a heartbeat), on Debian's libzmq; no LLVM here.
//
// start(endpoint) binds a ROUTER in the caller's thread (an error is thrown there) and
// hands the socket to the echo thread; stop(handle) shuts the context down, which ends
// the thread's blocking receive (ETERM), and waits for it. A handle not stopped is
// stopped when its Node environment ends.
#include <errno.h>
#include <node_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct {
  void* context;
  void* router;
  pthread_t thread;
  int stopped;
} Heartbeat;

static void* echo(void* arg) {
  Heartbeat* hb = (Heartbeat*)arg;
  for (;;) {
    zmq_msg_t part;
    zmq_msg_init(&part);
    if (zmq_msg_recv(&part, hb->router, 0) < 0) {
      zmq_msg_close(&part);
      if (zmq_errno() == EINTR) continue;
      break;  // ETERM: stop() shut the context down
    }
    int more = zmq_msg_more(&part);
    if (zmq_msg_send(&part, hb->router, more ? ZMQ_SNDMORE : 0) < 0) zmq_msg_close(&part);
  }
  zmq_close(hb->router);
  return NULL;
}

static void stopHeartbeat(Heartbeat* hb) {
  if (hb->stopped) return;
  hb->stopped = 1;
  zmq_ctx_shutdown(hb->context);
  pthread_join(hb->thread, NULL);
  zmq_ctx_term(hb->context);
}

static void cleanupHook(void* arg) { stopHeartbeat((Heartbeat*)arg); }

static void finalize(napi_env env, void* data, void* hint) {
  Heartbeat* hb = (Heartbeat*)data;
  if (!hb->stopped) {
    napi_remove_env_cleanup_hook(env, cleanupHook, hb);
    stopHeartbeat(hb);
  }
  free(hb);
}

static napi_value fail(napi_env env, const char* what) {
  napi_throw_error(env, NULL, what);
  return NULL;
}

// start(endpoint: string): { handle, endpoint }
static napi_value Start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char endpoint[512];
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], endpoint, sizeof endpoint, &len) != napi_ok)
    return fail(env, "heartbeat start: expected an endpoint string");

  Heartbeat* hb = (Heartbeat*)calloc(1, sizeof(Heartbeat));
  if (!hb) return fail(env, "heartbeat start: out of memory");
  hb->context = zmq_ctx_new();
  hb->router = hb->context ? zmq_socket(hb->context, ZMQ_ROUTER) : NULL;
  int linger = 0;
  char bound[512];
  size_t boundLen = sizeof bound;
  if (!hb->router || zmq_setsockopt(hb->router, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
      zmq_bind(hb->router, endpoint) != 0 || zmq_getsockopt(hb->router, ZMQ_LAST_ENDPOINT, bound, &boundLen) != 0) {
    char message[600];
    snprintf(message, sizeof message, "heartbeat: cannot bind %s: %s", endpoint, zmq_strerror(zmq_errno()));
    if (hb->router) zmq_close(hb->router);
    if (hb->context) zmq_ctx_term(hb->context);
    free(hb);
    return fail(env, message);
  }
  if (pthread_create(&hb->thread, NULL, echo, hb) != 0) {
    zmq_close(hb->router);
    zmq_ctx_term(hb->context);
    free(hb);
    return fail(env, "heartbeat: cannot start its thread");
  }
  napi_add_env_cleanup_hook(env, cleanupHook, hb);

  napi_value result, handle, boundValue;
  napi_create_object(env, &result);
  napi_create_external(env, hb, finalize, NULL, &handle);
  napi_create_string_utf8(env, bound, NAPI_AUTO_LENGTH, &boundValue);
  napi_set_named_property(env, result, "handle", handle);
  napi_set_named_property(env, result, "endpoint", boundValue);
  return result;
}

// stop(handle): ends the echo thread and closes the socket; again is a no-op.
static napi_value Stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void* data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || !data)
    return fail(env, "heartbeat stop: expected a handle from start()");
  Heartbeat* hb = (Heartbeat*)data;
  if (!hb->stopped) {
    napi_remove_env_cleanup_hook(env, cleanupHook, hb);
    stopHeartbeat(hb);
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value start, stop;
  napi_create_function(env, "start", NAPI_AUTO_LENGTH, Start, NULL, &start);
  napi_create_function(env, "stop", NAPI_AUTO_LENGTH, Stop, NULL, &stop);
  napi_set_named_property(env, exports, "start", start);
  napi_set_named_property(env, exports, "stop", stop);
  return exports;
}
