package io.rocketcri.image;

import java.util.Set;

/**
 * Who outside the image store still stands on layer snapshots: containers whose root file system
 * stacks them. RemoveImage removes the image's names and record at once, but keeps those layers
 * until the last container using them is gone.
 */
public interface LayerUsers {

	Set<String> chainIdsInUse();

}
