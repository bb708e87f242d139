import Foundation

/// The input of TagResource: tags to add to (or overwrite on) a resource ARN.
public struct TagResourceRequest: ECSShape {
    public static let shapeName = "TagResourceRequest"

    public var resourceArn: String
    public var tags: [Tag]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case resourceArn, tags
    }

    public init(
        resourceArn: String,
        tags: [Tag]
    ) {
        self.resourceArn = resourceArn
        self.tags = tags
    }
}

/// The output of TagResource (empty).
public struct TagResourceResponse: ECSShape {
    public static let shapeName = "TagResourceResponse"

    public enum CodingKeys: CodingKey, CaseIterable {}

    public init() {}
}

/// The input of UntagResource: tag keys to remove from a resource ARN.
public struct UntagResourceRequest: ECSShape {
    public static let shapeName = "UntagResourceRequest"

    public var resourceArn: String
    public var tagKeys: [String]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case resourceArn, tagKeys
    }

    public init(
        resourceArn: String,
        tagKeys: [String]
    ) {
        self.resourceArn = resourceArn
        self.tagKeys = tagKeys
    }
}

/// The output of UntagResource (empty).
public struct UntagResourceResponse: ECSShape {
    public static let shapeName = "UntagResourceResponse"

    public enum CodingKeys: CodingKey, CaseIterable {}

    public init() {}
}

/// The input of ListTagsForResource.
public struct ListTagsForResourceRequest: ECSShape {
    public static let shapeName = "ListTagsForResourceRequest"

    public var resourceArn: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case resourceArn
    }

    public init(resourceArn: String) {
        self.resourceArn = resourceArn
    }
}

/// The output of ListTagsForResource.
public struct ListTagsForResourceResponse: ECSShape {
    public static let shapeName = "ListTagsForResourceResponse"

    public var tags: [Tag]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case tags
    }

    public init(tags: [Tag]? = nil) {
        self.tags = tags
    }
}
