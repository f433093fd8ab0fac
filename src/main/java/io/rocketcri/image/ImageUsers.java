package io.rocketcri.image;

import java.util.Set;

/**
 * Who uses images by id: containers created from them. Pruning keeps those images; RemoveImage
 * does not ask (CRI lets kubelet remove an image a container uses: its layers stay, see
 * {@link LayerUsers}).
 */
public interface ImageUsers {

	Set<String> imageIdsInUse();

}
