/**
 * In-process event fan-out: container lifecycle events for GetContainerEvents and the console.
 * Depends on nothing else of the runtime; publishers define their own event types.
 */
package io.rocketcri.events;
