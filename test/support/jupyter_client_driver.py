"""Drives the Kiln kernel through the real jupyter_client (run with /usr/bin/python3).

The kernelspec must be findable (JUPYTER_PATH). Prints one JSON object with what it saw.
"""
import json
import os
import sys
import time

from jupyter_client.manager import KernelManager


def run(kc, code, **kw):
    """Executes code, returns (reply content, [(msg_type, content), ...] of its iopub)."""
    outputs = []
    reply = kc.execute_interactive(code, output_hook=lambda m: outputs.append((m["msg_type"], m["content"])), timeout=30, **kw)
    return reply["content"], outputs


def shell_reply(kc, msg_id):
    while True:
        reply = kc.get_shell_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def main(result, km):
    t0 = time.time()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    result["ready_s"] = time.time() - t0
    result["spec_interrupt_mode"] = km.kernel_spec.interrupt_mode
    info = kc.kernel_info(reply=True, timeout=10)["content"]
    result["kernel_info"] = info

    result["let"] = run(kc, "let x = 40")
    result["expr"] = run(kc, "x + 2")
    result["print"] = run(kc, 'print("hi")')
    result["error"] = run(kc, "1 / 0")
    result["html"] = run(kc, 'html("<b>x</b>")')
    result["input"] = run(kc, 'let name = input("name? ")\nprint(name)', allow_stdin=True,
                          stdin_hook=lambda m: kc.input("Ada"))
    result["complete"] = kc.complete("pri", 3, reply=True, timeout=10)["content"]
    result["is_complete"] = shell_reply(kc, kc.is_complete("fn f() {"))
    result["history"] = kc.history(hist_access_type="tail", n=3, reply=True, timeout=10)["content"]

    # Interrupt through the manager: interrupt_mode "signal" means SIGINT to the process.
    msg_id = kc.execute("while true { }")
    time.sleep(0.5)
    t = time.time()
    km.interrupt_kernel()
    content = shell_reply(kc, msg_id)
    result["interrupt"] = {"content": content, "seconds": time.time() - t}
    result["after_interrupt"] = run(kc, "x + 1")

    t = time.time()
    km.shutdown_kernel(now=False)
    result["shutdown_s"] = time.time() - t
    result["alive_after_shutdown"] = km.is_alive()
    kc.stop_channels()


if __name__ == "__main__":
    result, km, code = {}, KernelManager(kernel_name="kiln"), 0
    try:
        main(result, km)
    except Exception as e:  # report what was seen so far, never hang on a live kernel
        import traceback
        traceback.print_exc()
        result["driver_error"] = repr(e)
        code = 1
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass
    json.dump(result, sys.stdout)
    sys.stdout.flush()
    os._exit(code)
