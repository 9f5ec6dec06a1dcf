/**
 * The function contract shared by the AWS, GCP and Azure handlers.
 *
 * <p>A handler module turns its platform's event into {@link
 * com.mantissa.stance.sync.function.FunctionEvent}s through {@link
 * com.mantissa.stance.sync.function.EventDecoder} (which event names count, how keys are
 * decoded, which account an object belongs to: the same for every entry point, the queue worker
 * included; the platform's own event types may read the envelope), hands the batch to
 * {@link com.mantissa.stance.sync.function.SyncFunction#handle(java.util.List)}, writes the
 * outcome's log lines at their severity and maps the redelivery decision back: Lambda and the
 * Azure host by throwing, the Functions Framework by answering 500 (it throws), SQS by naming
 * the messages in its partial batch response. A queue-triggered handler hands its work messages to
 * the worker package's {@code WorkerStartup}, the one start-up of the queue worker.
 *
 * <h2>Failure policy (the same on every cloud)</h2>
 * <table>
 * <caption>What the platform is asked to do</caption>
 * <tr><th>What happened</th><th>Log</th><th>Platform</th></tr>
 * <tr><td>Synced without errors</td><td>one INFO line per account</td><td>acknowledged</td></tr>
 * <tr><td>Not a scan file, object removed, another event type</td><td>one DEBUG line</td>
 *     <td>acknowledged</td></tr>
 * <tr><td>Transient store failure left after the engine's retries (throttling, 5xx, timeouts,
 *     a store that does not answer)</td><td>one ERROR line, {@code "redeliver": true}</td>
 *     <td>delivered again</td></tr>
 * <tr><td>Bad lines in a scan (each one error naming file, line, field and value; the good
 *     records land)</td><td>one ERROR line</td><td>acknowledged</td></tr>
 * <tr><td>Bad event (not JSON, a field missing), no source account, a misconfigured
 *     STANCE_* variable</td><td>one ERROR line, the rejected event's one reason</td>
 *     <td>acknowledged</td></tr>
 * <tr><td>Store-level permanent failure (central bucket or container missing, access denied):
 *     the engine aborts the sync</td><td>one ERROR line naming the location</td>
 *     <td>acknowledged</td></tr>
 * </table>
 * Redelivering a permanent failure would fail the same way until the platform gives up, and
 * would hide the one line that says what to fix; the scheduled catch-up pushes whatever was
 * missed once it is fixed. A redelivery re-runs every object of the account's sync, which is
 * cheap: the push index skips what central already holds. A bug (an unexpected exception)
 * is not caught: the platform sees it as a failed invocation.
 */
package com.mantissa.stance.sync.function;
