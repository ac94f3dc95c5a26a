DROP TABLE content_images;
