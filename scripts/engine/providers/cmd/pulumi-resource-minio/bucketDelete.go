package main

import (
	"context"
	"fmt"

	"github.com/aminueza/terraform-provider-minio/v3/minio"
	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	miniogo "github.com/minio/minio-go/v7"
)

// deleteBucket replaces minio_s3_bucket's delete. Upstream v3.3.0 (and the
// v1.20.1 that @pulumi/minio 0.17.1 used) empties a non-empty bucket with
// force_destroy by listing objects in a goroutine that calls log.Fatalln on any
// listing error, and does not wait for the removals before it calls
// RemoveBucket again, recursively. So once a bucket holds objects (any tenant
// at offboarding; the isolation probe alone leaves versions in the versioned
// bucket) the delete races with itself: a goroutine still listing when the RPC
// returns sees its context cancelled and kills the plugin ("exited
// prematurely"), or a later RemoveBucket finds the bucket already gone ("The
// specified bucket does not exist") and the delete fails although the bucket is
// deleted, and every retry fails the same way.
//
// This delete asks MinIO to remove the bucket with everything in it, every
// version and delete marker included, in one request (x-minio-force-delete,
// what `mc rb --force` sends) when force_destroy is set, and otherwise a plain
// RemoveBucket, which refuses a non-empty bucket. A bucket that no longer exists
// is deleted already.
func deleteBucket(ctx context.Context, d *schema.ResourceData, meta interface{}) diag.Diagnostics {
	client := meta.(*minio.S3MinioClient).S3Client
	bucket := d.Id()
	force, _ := d.Get("force_destroy").(bool)
	err := client.RemoveBucketWithOptions(ctx, bucket, miniogo.RemoveBucketOptions{ForceDelete: force})
	if err != nil && miniogo.ToErrorResponse(err).Code != "NoSuchBucket" {
		return diag.FromErr(fmt.Errorf("unable to remove bucket %s: %w", bucket, err))
	}
	d.SetId("")
	return nil
}
