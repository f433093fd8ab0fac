package io.rocketcri.cri;

import java.time.Instant;

import io.grpc.stub.StreamObserver;
import io.rocketcri.cri.api.ImageFsInfoRequest;
import io.rocketcri.cri.api.ImageFsInfoResponse;
import io.rocketcri.cri.api.ImageServiceGrpc;
import io.rocketcri.cri.api.ImageStatusRequest;
import io.rocketcri.cri.api.ImageStatusResponse;
import io.rocketcri.cri.api.ListImagesRequest;
import io.rocketcri.cri.api.ListImagesResponse;
import io.rocketcri.cri.api.PullImageRequest;
import io.rocketcri.cri.api.PullImageResponse;
import io.rocketcri.cri.api.RemoveImageRequest;
import io.rocketcri.cri.api.RemoveImageResponse;
import io.rocketcri.cri.api.StreamImagesRequest;
import io.rocketcri.cri.api.StreamImagesResponse;
import io.rocketcri.image.ImageService;

import org.springframework.stereotype.Service;

/** CRI ImageService: mapping plus one call into {@link ImageService} per RPC. */
@Service
class CriImageService extends ImageServiceGrpc.ImageServiceImplBase {

	private final ImageService images;

	private final ImageMapper mapper;

	CriImageService(ImageService images, ImageMapper mapper) {
		this.images = images;
		this.mapper = mapper;
	}

	@Override
	public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
		Calls.reply(response, () -> ListImagesResponse.newBuilder()
			.addAllImages(images.list(filter(request.hasFilter() ? request.getFilter().getImage().getImage() : null))
				.stream()
				.map(mapper::toProto)
				.toList())
			.build());
	}

	@Override
	public void streamImages(StreamImagesRequest request, StreamObserver<StreamImagesResponse> response) {
		Calls.stream(response,
				() -> images.list(filter(request.hasFilter() ? request.getFilter().getImage().getImage() : null)),
				batch -> StreamImagesResponse.newBuilder().addAllImages(batch.stream().map(mapper::toProto).toList()).build());
	}

	@Override
	public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
		Calls.reply(response, () -> {
			// An absent image is an empty answer, not NOT_FOUND: kubelet asks before every pull.
			var image = images.find(request.getImage().getImage());
			ImageStatusResponse.Builder b = ImageStatusResponse.newBuilder();
			image.ifPresent(i -> {
				b.setImage(mapper.toProto(i));
				if (request.getVerbose()) {
					b.putAllInfo(mapper.verboseInfo(images.details(i)));
				}
			});
			return b.build();
		});
	}

	@Override
	public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> response) {
		Calls.reply(response, () -> PullImageResponse.newBuilder()
			.setImageRef(images.pull(request.getImage().getImage(), mapper.credentials(request.getAuth())).id())
			.build());
	}

	@Override
	public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> response) {
		Calls.reply(response, () -> {
			images.remove(request.getImage().getImage());
			return RemoveImageResponse.getDefaultInstance();
		});
	}

	@Override
	public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> response) {
		Calls.reply(response, () -> {
			Instant now = Instant.now();
			long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
			return ImageFsInfoResponse.newBuilder().addImageFilesystems(mapper.toProto(images.fsUsage(), nanos)).build();
		});
	}

	private static String filter(String image) {
		return image == null || image.isBlank() ? null : image;
	}

}
